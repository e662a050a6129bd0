//! The three bodies a notice is sent as: envctl's own JSON, Slack's incoming
//! webhook message (which Mattermost and Rocket.Chat take as well), and a
//! Microsoft Teams message carrying an Adaptive Card (what Teams workflow
//! webhooks take).

use serde_json::{Value, json};

use super::{Format, Kind, Notice};

/// The request body of `notice` in `format`.
pub fn body(format: Format, notice: &Notice) -> Value {
    match format {
        Format::Json => serde_json::to_value(notice).unwrap_or_default(),
        Format::Slack => slack(notice),
        Format::Teams => teams(notice),
    }
}

/// A title for people: "envctl: create failed".
pub fn title(kind: Kind) -> &'static str {
    match kind {
        Kind::Failed => "envctl: an environment failed",
        Kind::Expiring => "envctl: an environment expires soon",
        Kind::Expired => "envctl: an environment expired and was removed",
        Kind::Cleanup => "envctl: cleanup removed environments",
        Kind::RestartLimit => "envctl: a service keeps dying",
        Kind::PoolMiss => "envctl: a warm pool was empty",
        Kind::MaintenanceFailed => "envctl: maintenance failed",
        Kind::BackupFailed => "envctl: a database backup failed",
    }
}

/// Good news, a warning, or trouble: the colour of the message.
fn colour(kind: Kind) -> &'static str {
    match kind {
        Kind::Expiring | Kind::PoolMiss => "#d9a400",
        Kind::Expired | Kind::Cleanup => "#439fe0",
        _ => "#d40e0d",
    }
}

/// (title, value) pairs for the card: who, what, and the kind's details.
fn facts(notice: &Notice) -> Vec<(String, String)> {
    let mut facts = Vec::new();
    for (title, value) in [
        ("Environment", &notice.environment),
        ("Owner", &notice.owner),
        ("Template", &notice.template),
    ] {
        if let Some(v) = value {
            facts.push((title.to_owned(), v.clone()));
        }
    }
    for (key, value) in &notice.details {
        if key == "environment_id" || key == "cause" {
            continue;
        }
        let text = match value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        facts.push((key.replace('_', " "), text));
    }
    facts
}

fn slack(notice: &Notice) -> Value {
    let fields: Vec<Value> = facts(notice)
        .into_iter()
        .map(|(title, value)| {
            let short = value.len() < 40;
            json!({"title": title, "value": value, "short": short})
        })
        .collect();
    json!({
        "text": format!("*{}*\n{}", title(notice.kind), notice.summary),
        "attachments": [{
            "fallback": notice.summary,
            "color": colour(notice.kind),
            "fields": fields,
            "footer": format!("envctl · {}", notice.kind),
            "ts": notice.time.timestamp(),
        }],
    })
}

fn teams(notice: &Notice) -> Value {
    let facts: Vec<Value> = facts(notice)
        .into_iter()
        .map(|(title, value)| json!({"title": title, "value": value}))
        .collect();
    let mut body = vec![
        json!({"type": "TextBlock", "text": title(notice.kind), "weight": "Bolder",
               "size": "Medium", "wrap": true}),
        json!({"type": "TextBlock", "text": notice.summary, "wrap": true}),
    ];
    if !facts.is_empty() {
        body.push(json!({"type": "FactSet", "facts": facts}));
    }
    json!({
        "type": "message",
        "attachments": [{
            "contentType": "application/vnd.microsoft.card.adaptive",
            "contentUrl": null,
            "content": {
                "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                "type": "AdaptiveCard",
                "version": "1.4",
                "body": body,
            },
        }],
    })
}
