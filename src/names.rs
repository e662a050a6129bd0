//! Names and identifiers: environment names, ids, owners and labels.
//!
//! Names end up in container, network and volume names and in URLs, so they
//! are held to DNS-label rules: lowercase letters, digits and '-', at most 40.

use rand::Rng;

use crate::error::{Error, Result};

const MAX_NAME: usize = 40;

/// Checks that `name` is a valid environment, template, service or volume name.
pub fn validate_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("a name cannot be empty".into());
    }
    if name.len() > MAX_NAME {
        return Err(format!("'{name}' is longer than {MAX_NAME} characters"));
    }
    let ok_chars = name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !ok_chars || name.starts_with('-') || name.ends_with('-') {
        return Err(format!(
            "'{name}' is not a valid name: use lowercase letters, digits and '-', \
             starting and ending with a letter or digit"
        ));
    }
    Ok(())
}

/// Like [`validate_name`], as the library's error.
pub fn check_name(name: &str) -> Result<()> {
    validate_name(name).map_err(Error::InvalidInput)
}

/// A new random environment id: 8 hex digits.
pub fn new_id() -> String {
    format!("{:08x}", rand::thread_rng().r#gen::<u32>())
}

/// A new random database instance id: 16 hex digits.
pub fn new_instance_id() -> String {
    format!("{:016x}", rand::thread_rng().r#gen::<u64>())
}

/// The user running envctl: `$USER`, then `$LOGNAME`, then the user
/// database's name for the process's user id (cron and systemd units often
/// set neither), else `uid-<N>` (a container user with no passwd entry).
pub fn current_user() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .ok()
        .filter(|u| !u.is_empty())
        .or_else(os_user)
        .unwrap_or_else(|| format!("uid-{}", unsafe { libc::geteuid() }))
}

/// The user database's name for the effective user id.
fn os_user() -> Option<String> {
    let uid = unsafe { libc::geteuid() };
    let mut buf = vec![0u8; 16 * 1024];
    let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
    let mut found: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: every pointer is to a live local of the right size; the name
    // is read before `buf` goes away.
    let rc = unsafe {
        libc::getpwuid_r(
            uid,
            &mut pwd,
            buf.as_mut_ptr().cast(),
            buf.len(),
            &mut found,
        )
    };
    if rc != 0 || found.is_null() || pwd.pw_name.is_null() {
        return None;
    }
    let name = unsafe { std::ffi::CStr::from_ptr(pwd.pw_name) };
    name.to_str()
        .ok()
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
}

/// A default environment name for `owner`: the owner made name-safe plus 4 random hex digits.
pub fn default_name(owner: &str) -> String {
    let mut base: String = owner
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    base = base.trim_matches('-').chars().take(30).collect();
    if base.is_empty() {
        base = "env".into();
    }
    format!(
        "{}-{:04x}",
        base.trim_end_matches('-'),
        rand::thread_rng().r#gen::<u16>()
    )
}

/// Parses `key=value` labels given on the command line: split at the first
/// `=`, then [`check_label`].
pub fn parse_label(text: &str) -> Result<(String, String)> {
    let (k, v) = text
        .split_once('=')
        .ok_or_else(|| Error::InvalidInput(format!("label '{text}' is not key=value")))?;
    check_label(k, v)?;
    Ok((k.to_owned(), v.to_owned()))
}

/// Labels as a form field holds them: `key=value` pairs, one a line or
/// separated by commas (so a value cannot hold a comma here; the CLI's
/// repeated `--label` can). Each is checked by [`parse_label`]; a key given
/// twice keeps its last value, as repeated `--label`s do.
pub fn parse_labels(text: &str) -> Result<std::collections::BTreeMap<String, String>> {
    text.split(['\n', ','])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(parse_label)
        .collect()
}

/// The one rule for a label, its key and its value checked apart (never
/// joined and split again): keys are 1 to 63 letters, digits, '-', '_', '.'
/// or '/'; values at most 256 characters with no control characters.
pub fn check_label(key: &str, value: &str) -> Result<()> {
    let key_ok = !key.is_empty()
        && key.len() <= 63
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./".contains(&b));
    if !key_ok {
        return Err(Error::InvalidInput(format!(
            "label key '{}' is invalid: use 1 to 63 letters, digits, '-', '_', '.' or '/'",
            printable(key, 70)
        )));
    }
    if value.chars().count() > 256 || value.chars().any(char::is_control) {
        return Err(Error::InvalidInput(format!(
            "label value for '{key}' is invalid: at most 256 characters, no control characters"
        )));
    }
    Ok(())
}

/// Every label of a map, by [`check_label`].
pub fn check_labels<'a>(labels: impl IntoIterator<Item = (&'a String, &'a String)>) -> Result<()> {
    labels.into_iter().try_for_each(|(k, v)| check_label(k, v))
}

/// The longest owner.
pub const MAX_OWNER: usize = 64;

/// The one rule for owners (of environments and tokens), in every door:
/// 1 to 64 letters, digits, '.', '_', '@' or '-'.
pub fn check_owner(owner: &str) -> Result<()> {
    let ok = !owner.is_empty()
        && owner.len() <= MAX_OWNER
        && owner
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._@-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidInput(format!(
            "owner '{}' is invalid: use 1 to {MAX_OWNER} letters, digits, '.', '_', '@' or '-'",
            printable(owner, 70)
        )))
    }
}

/// The current OS user as an owner: the first of `$USER`, `$LOGNAME` and
/// the user database's name that is a valid owner (a `$USER` holding odd
/// characters is not trusted), else `uid-<N>`.
pub fn current_owner() -> String {
    let env = |var: &str| std::env::var(var).ok();
    [env("USER"), env("LOGNAME"), os_user()]
        .into_iter()
        .flatten()
        .find(|u| check_owner(u).is_ok())
        .unwrap_or_else(|| format!("uid-{}", unsafe { libc::geteuid() }))
}

/// `text` safe to print on a terminal or in a message: control characters
/// (escape sequences, newlines) become '?', and it is cut at `max` characters.
pub fn printable(text: &str, max: usize) -> String {
    let mut out: String = text
        .chars()
        .take(max)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if text.chars().count() > max {
        out.push('…');
    }
    out
}

/// Bytes for people: "4.2 GiB".
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_dns_label_rules() {
        assert!(validate_name("alice-1").is_ok());
        assert!(validate_name("Alice").is_err());
        assert!(validate_name("-a").is_err());
        assert!(validate_name("a-").is_err());
        assert!(validate_name("a_b").is_err());
        assert!(validate_name("../x").is_err());
        assert!(validate_name(&"a".repeat(41)).is_err());
    }

    #[test]
    fn default_names_are_valid_for_odd_owners() {
        for owner in ["alice", "Bob.Smith", "__", "ci@runner", &"x".repeat(60)] {
            let name = default_name(owner);
            assert!(validate_name(&name).is_ok(), "{owner} -> {name}");
        }
    }

    #[test]
    fn labels_parse() {
        assert_eq!(
            parse_label("team=core").unwrap(),
            ("team".into(), "core".into())
        );
        assert_eq!(parse_label("a=b=c").unwrap(), ("a".into(), "b=c".into()));
        assert!(parse_label("novalue").is_err());
        assert!(parse_label("=x").is_err());
    }

    #[test]
    fn label_keys_and_values_are_checked_apart() {
        // A key holding '=' must not pass by being joined and split again.
        assert!(check_label("k=\"><img src=x>", "1").is_err());
        assert!(check_label("a=b", "c").is_err());
        assert!(check_label("team", "a=b").is_ok());
        assert!(check_label("team", "line\nbreak").is_err());
        assert!(check_label(&"k".repeat(64), "v").is_err());
        assert!(check_label("k", &"v".repeat(257)).is_err());
    }

    #[test]
    fn owners_follow_one_rule() {
        for ok in ["alice", "bob.smith@example.com", "ci_runner-1"] {
            assert!(check_owner(ok).is_ok(), "{ok}");
        }
        for bad in ["", "a b", "evil\n\x1b[31m", &"x".repeat(65), "ünï"] {
            let e = check_owner(bad).unwrap_err().to_string();
            assert!(!e.contains('\x1b') && !e.contains('\n'), "{e:?}");
        }
    }

    #[test]
    fn printable_replaces_control_characters_and_cuts() {
        assert_eq!(printable("a\x1b[2Jb\n", 40), "a?[2Jb?");
        assert_eq!(printable(&"x".repeat(10), 4), "xxxx…");
    }
}
