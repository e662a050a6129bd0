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

/// The user running envctl: `$USER`, then `$LOGNAME`, else "unknown".
pub fn current_user() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| "unknown".into())
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

/// Parses `key=value` labels given on the command line or over the API.
pub fn parse_label(text: &str) -> Result<(String, String)> {
    let (k, v) = text
        .split_once('=')
        .ok_or_else(|| Error::InvalidInput(format!("label '{text}' is not key=value")))?;
    let key_ok = !k.is_empty()
        && k.len() <= 63
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./".contains(&b));
    if !key_ok {
        return Err(Error::InvalidInput(format!(
            "label key '{k}' is invalid: use at most 63 letters, digits, '-', '_', '.' or '/'"
        )));
    }
    if v.len() > 256 || v.chars().any(char::is_control) {
        return Err(Error::InvalidInput(format!(
            "label value for '{k}' is invalid: at most 256 characters, no control characters"
        )));
    }
    Ok((k.to_owned(), v.to_owned()))
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
}
