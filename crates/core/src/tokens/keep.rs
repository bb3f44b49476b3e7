//! The login hook that keeps every login's tokens.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;

use super::manager::TokenManager;
use super::set::TokenKey;
use crate::flow::{LoginDecision, LoginHook, LoginSuccess};

/// A [`LoginHook`] that keeps the tokens of every accepted login in a [`TokenManager`]'s
/// store, under [`TokenKey::for_user`]. Tokens still never go into the session.
///
/// Your own hook, if any, runs first with [`then`](Self::then); tokens are kept only when it
/// accepts the login. When the store fails, the login is rejected with the code
/// `token_store_failed`, since the application would otherwise run without the tokens it
/// asked to keep.
///
/// ```
/// use std::sync::Arc;
/// use oauth_kit_core::{KeepTokens, MemoryTokenStore, ProviderRegistry, TokenManager};
///
/// # fn main() -> Result<(), oauth_kit_core::Error> {
/// let manager = TokenManager::builder(ProviderRegistry::new(), Arc::new(MemoryTokenStore::new()))
///     .build()?;
/// let hook = KeepTokens::new(manager.clone());
/// // Give `hook` to the adapter (`OAuth::on_login` in oauth-kit-axum), then
/// // call `manager.access_token(&TokenKey::for_session_user(&user))` in your handlers.
/// # let _ = hook;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct KeepTokens {
    manager: TokenManager,
    then: Option<Arc<dyn LoginHook>>,
}

impl fmt::Debug for KeepTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeepTokens")
            .field("manager", &self.manager)
            .field("then", &self.then.is_some())
            .finish()
    }
}

impl KeepTokens {
    /// Keeps tokens in `manager`'s store.
    pub fn new(manager: TokenManager) -> Self {
        Self {
            manager,
            then: None,
        }
    }

    /// Runs `hook` first; its decision stands, and tokens are kept only if it accepts.
    pub fn then(mut self, hook: impl LoginHook) -> Self {
        self.then = Some(Arc::new(hook));
        self
    }
}

#[async_trait]
impl LoginHook for KeepTokens {
    async fn on_login(&self, login: &LoginSuccess) -> LoginDecision {
        let decision = match &self.then {
            Some(hook) => hook.on_login(login).await,
            None => LoginDecision::accept(),
        };
        if let LoginDecision::Accept { .. } = decision {
            let key = TokenKey::for_user(&login.user);
            if let Err(error) = self.manager.keep(&key, &login.token).await {
                tracing::warn!(
                    provider = %login.user.provider,
                    error = %error,
                    "the login's tokens could not be kept; the login is rejected"
                );
                return LoginDecision::reject("token_store_failed");
            }
        }
        decision
    }
}
