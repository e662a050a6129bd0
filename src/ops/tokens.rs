//! API tokens as an operation: list, create (the secret returned once) and
//! revoke, for admins only, each change logged with its caller. The token
//! file itself (hashes, locking, the name rules) is [`crate::tokens`].

use crate::access::{Action, Caller};
use crate::context::Context;
use crate::error::Result;
use crate::store::events;
use crate::tokens::{Role, Token, Tokens};

/// Every token (never a secret), for `caller` (an admin).
pub fn list(tokens: &Tokens, caller: &Caller) -> Result<Vec<Token>> {
    caller.authorize(Action::Administer, None)?;
    tokens.list()
}

/// What a new token is: its name, role and (for a developer acting as
/// someone else) owner.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub name: String,
    pub role: Role,
    /// The user it acts as; its name when `None`.
    pub owner: Option<String>,
}

/// Makes a token for `caller` (an admin); logged as `token-create`. The
/// secret is in the answer and nowhere else: it is never stored.
pub fn create(
    ctx: &Context,
    tokens: &Tokens,
    caller: &Caller,
    new: &NewToken,
) -> Result<(Token, String)> {
    caller.authorize(Action::Administer, None)?;
    let made = tokens.create(&new.name, new.role, new.owner.as_deref());
    let detail = match &made {
        Ok((t, _)) => format!("token '{}' ({}) with role {}", t.name, t.id, t.role),
        Err(e) => format!("token '{}': {e}", crate::names::printable(&new.name, 70)),
    };
    events::Entry::new("token-create")
        .result(&made)
        .detail(&detail)
        .write(ctx.store.dir(), caller);
    made
}

/// Revokes the token with this id or name, for `caller` (an admin); logged
/// as `token-revoke`. Its sessions end with it.
pub fn revoke(ctx: &Context, tokens: &Tokens, caller: &Caller, id_or_name: &str) -> Result<Token> {
    caller.authorize(Action::Administer, None)?;
    let revoked = tokens.revoke(id_or_name);
    let detail = match &revoked {
        Ok(t) => format!("token '{}' ({}) with role {}", t.name, t.id, t.role),
        Err(e) => e.to_string(),
    };
    events::Entry::new("token-revoke")
        .result(&revoked)
        .detail(&detail)
        .write(ctx.store.dir(), caller);
    revoked
}
