//! Who is calling and what they may do: the one authorisation rule of every
//! door. The CLI's local side calls as the OS user with every right (it
//! already holds the data directory); the API and the web interface call as
//! the token's user and role. Operations ask [`Caller::authorize`]; doors
//! only ask [`Caller::may`] to decide what to offer (a button, a log panel),
//! never to decide what is allowed.

use crate::error::{Error, Result};
use crate::tokens::{Role, Token};

/// The caller of an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The user the caller acts as: the token's user, or the OS user.
    pub user: String,
    pub role: Role,
    /// Where the call came from, for the event log: "cli", "api", "web", "server".
    pub door: &'static str,
    /// The token's id, when the call is authenticated with one.
    pub token: Option<String>,
}

/// What an operation does, for [`Caller::authorize`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read environments, templates, figures and events.
    Read,
    /// Read an environment's logs (they may hold secrets).
    ReadLogs,
    /// Read an environment's generated secrets: its owner and admins only.
    ReadSecrets,
    /// Run a command in a service's container (`exec`, `shell`): the same
    /// rules as [`Action::ReadLogs`], since a shell reads what logs show and more.
    Exec,
    /// Create an environment for `owner`.
    Create,
    /// Start, stop, pin, relabel or extend an environment.
    Change,
    /// Delete an environment.
    Delete,
    /// Cleanup and sync runs.
    Maintain,
    /// Reset, backups, tokens.
    Administer,
}

impl Action {
    /// The words that finish "this token's role may not ...".
    fn what(self) -> &'static str {
        match self {
            Action::Read => "read environments",
            Action::ReadLogs => "read the logs of",
            Action::ReadSecrets => "read the secrets of",
            Action::Exec => "run commands in",
            Action::Create => "create environments",
            Action::Change => "change",
            Action::Delete => "delete",
            Action::Maintain => "run maintenance",
            Action::Administer => "administer this server",
        }
    }

    /// The least role that may do this to its own environments.
    fn least_role(self) -> Role {
        match self {
            Action::Read => Role::Viewer,
            Action::ReadLogs
            | Action::ReadSecrets
            | Action::Exec
            | Action::Create
            | Action::Change
            | Action::Delete => Role::Developer,
            Action::Maintain => Role::Operator,
            Action::Administer => Role::Admin,
        }
    }

    /// Whether acting on someone else's environment needs an operator.
    fn owned(self) -> bool {
        matches!(
            self,
            Action::ReadLogs
                | Action::ReadSecrets
                | Action::Exec
                | Action::Create
                | Action::Change
                | Action::Delete
        )
    }

    /// The least role that may do this to someone else's environment.
    fn others_role(self) -> Role {
        match self {
            // Passwords are the owner's: not even operators read them.
            Action::ReadSecrets => Role::Admin,
            _ => Role::Operator,
        }
    }
}

impl Caller {
    /// A local command: the OS user, with every right.
    pub fn local() -> Caller {
        Caller {
            user: crate::names::current_owner(),
            role: Role::Admin,
            door: "cli",
            token: None,
        }
    }

    /// The server's own work (upkeep, the restart policy, expiry).
    pub fn server() -> Caller {
        Caller {
            user: "envctl-server".into(),
            role: Role::Admin,
            door: "server",
            token: None,
        }
    }

    /// A request authenticated with `token`, through `door` ("api", "web").
    pub fn token(token: &Token, door: &'static str) -> Caller {
        Caller {
            user: token.user().to_owned(),
            role: token.role,
            door,
            token: Some(token.id.clone()),
        }
    }

    /// May this caller do `action` to an environment owned by `owner`
    /// (`None`: to no particular environment)?
    pub fn may(&self, action: Action, owner: Option<&str>) -> bool {
        self.authorize(action, owner).is_ok()
    }

    /// `Ok` when this caller may do `action` to an environment owned by
    /// `owner`; else [`Error::Forbidden`] saying what the role may not do.
    /// Developers act on their own environments; operators and admins on any.
    pub fn authorize(&self, action: Action, owner: Option<&str>) -> Result<()> {
        if self.role < action.least_role() {
            return Err(Error::Forbidden(match action {
                Action::Change
                | Action::Delete
                | Action::ReadLogs
                | Action::ReadSecrets
                | Action::Exec => {
                    format!("{} environments", action.what())
                }
                _ => action.what().to_owned(),
            }));
        }
        let someone_else = owner.is_some_and(|o| o != self.user);
        if action.owned() && someone_else && self.role < action.others_role() {
            return Err(Error::Forbidden(match action {
                Action::Create => "create environments for someone else".to_owned(),
                _ => format!("{} an environment owned by someone else", action.what()),
            }));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(role: Role) -> Caller {
        Caller {
            user: "alice".into(),
            role,
            door: "api",
            token: None,
        }
    }

    /// Every action × every role × own / someone else's / no environment.
    #[test]
    fn the_authorisation_matrix() {
        use Action::*;
        use Role::*;
        // (action, role, allowed on own, allowed on bob's, allowed on none)
        let table = [
            (Read, Viewer, true, true, true),
            (ReadLogs, Viewer, false, false, false),
            (Exec, Viewer, false, false, false),
            (ReadSecrets, Viewer, false, false, false),
            (Create, Viewer, false, false, false),
            (Change, Viewer, false, false, false),
            (Delete, Viewer, false, false, false),
            (Maintain, Viewer, false, false, false),
            (Administer, Viewer, false, false, false),
            (Read, Developer, true, true, true),
            (ReadLogs, Developer, true, false, true),
            (Exec, Developer, true, false, true),
            (ReadSecrets, Developer, true, false, true),
            (Create, Developer, true, false, true),
            (Change, Developer, true, false, true),
            (Delete, Developer, true, false, true),
            (Maintain, Developer, false, false, false),
            (Administer, Developer, false, false, false),
            (Read, Operator, true, true, true),
            (ReadLogs, Operator, true, true, true),
            (Exec, Operator, true, true, true),
            (ReadSecrets, Operator, true, false, true),
            (Create, Operator, true, true, true),
            (Change, Operator, true, true, true),
            (Delete, Operator, true, true, true),
            (Maintain, Operator, true, true, true),
            (Administer, Operator, false, false, false),
            (Read, Admin, true, true, true),
            (ReadLogs, Admin, true, true, true),
            (Exec, Admin, true, true, true),
            (ReadSecrets, Admin, true, true, true),
            (Create, Admin, true, true, true),
            (Change, Admin, true, true, true),
            (Delete, Admin, true, true, true),
            (Maintain, Admin, true, true, true),
            (Administer, Admin, true, true, true),
        ];
        for (action, role, own, other, none) in table {
            let c = caller(role);
            assert_eq!(c.may(action, Some("alice")), own, "{action:?} {role} own");
            assert_eq!(c.may(action, Some("bob")), other, "{action:?} {role} bob's");
            assert_eq!(c.may(action, None), none, "{action:?} {role} none");
        }
        assert_eq!(table.len(), 9 * 4);
    }

    #[test]
    fn refusals_say_what_the_role_may_not_do() {
        let e = caller(Role::Viewer).authorize(Action::ReadLogs, Some("alice"));
        assert_eq!(
            e.unwrap_err().to_string(),
            "this token's role may not read the logs of environments"
        );
        let e = caller(Role::Developer).authorize(Action::Delete, Some("bob"));
        assert_eq!(
            e.unwrap_err().to_string(),
            "this token's role may not delete an environment owned by someone else"
        );
        assert!(Caller::local().may(Action::Administer, Some("anyone")));
    }
}
