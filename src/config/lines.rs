//! Where a key is written in the config text, so that a problem found after
//! parsing (a dependency cycle, an offset used twice) names its line too.
//!
//! A line scan, not a second parser: it follows `[table]` and
//! `[[array.of.tables]]` headers (counting the entries of each array) and
//! `key = ...` lines, which is how config files are written. A key it cannot
//! find (an inline table spread over lines, say) falls back to its parent.

/// The 1-based line where `key` (as envctl's messages write it:
/// `templates.web.services[1].depends_on`) or its nearest parent is written.
pub fn locate(text: &str, key: &str) -> Option<usize> {
    let index = index(text);
    let mut key = key.to_owned();
    loop {
        if let Some((_, line)) = index.iter().find(|(path, _)| *path == key) {
            return Some(*line);
        }
        let cut = key.rfind(['.', '['])?;
        key.truncate(cut);
        if key.is_empty() {
            return None;
        }
    }
}

/// Every header and key of `text` as (full path, line).
fn index(text: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut table = String::new();
    let mut arrays: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if let Some(header) = line.strip_prefix("[[").and_then(|l| l.split("]]").next()) {
            let path = normalise(header);
            let n = arrays.entry(path.clone()).or_insert(0);
            table = format!("{path}[{n}]");
            *n += 1;
            out.push((table.clone(), i + 1));
        } else if let Some(header) = line.strip_prefix('[').and_then(|l| l.split(']').next()) {
            table = array_parent(&normalise(header), &arrays);
            out.push((table.clone(), i + 1));
        } else if let Some((key, _)) = line.split_once('=')
            && !line.starts_with('#')
        {
            let key = normalise(key);
            let path = if table.is_empty() {
                key
            } else {
                format!("{table}.{key}")
            };
            out.push((path, i + 1));
        }
    }
    out
}

/// A header below an array of tables (`[templates.x.services.env]`) belongs
/// to the array's last entry: `templates.x.services[2].env`.
fn array_parent(path: &str, arrays: &std::collections::HashMap<String, usize>) -> String {
    let mut best: Option<(&String, usize)> = None;
    for (array, n) in arrays {
        let below = path
            .strip_prefix(array.as_str())
            .is_some_and(|rest| rest.starts_with('.'));
        if below && best.is_none_or(|(b, _)| array.len() > b.len()) {
            best = Some((array, *n));
        }
    }
    match best {
        Some((array, n)) => format!("{array}[{}]{}", n - 1, &path[array.len()..]),
        None => path.to_owned(),
    }
}

/// `templates . "my-t" . services` → `templates.my-t.services`.
fn normalise(key: &str) -> String {
    key.split('.')
        .map(|part| part.trim().trim_matches('"').trim_matches('\''))
        .collect::<Vec<_>>()
        .join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"[ports]
base = 9000

[templates.web]
description = "x"
[[templates.web.services]]
name = "a"
image = "i"
[[templates.web.services]]
name = "b"
image = "i"
depends_on = ["a"]
ready = { http = "/" }
[templates.web.services.env]
X = "1"
"#;

    #[test]
    fn keys_headers_and_array_entries_are_found() {
        assert_eq!(locate(TEXT, "ports.base"), Some(2));
        assert_eq!(
            locate(TEXT, "templates.web.services[1].depends_on"),
            Some(12)
        );
        assert_eq!(locate(TEXT, "templates.web.services[0]"), Some(6));
        assert_eq!(
            locate(TEXT, "templates.web.services[1].ready.http"),
            Some(13)
        );
        assert_eq!(locate(TEXT, "templates.web.services[1].env.X"), Some(15));
        assert_eq!(locate(TEXT, "templates.web.pool.max"), Some(4));
        assert_eq!(locate(TEXT, "network.subnet_pool"), None);
    }
}
