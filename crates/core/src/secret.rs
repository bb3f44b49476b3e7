//! Secret newtypes: every value that must never be printed or logged.
//!
//! Each type wraps a [`secrecy::SecretString`]. `Debug` prints the type name and `[redacted]`;
//! there is no `Display` and no `PartialEq` (compare states with
//! [`constant_time_eq`](crate::constant_time_eq)). The only way to read the value is the explicit
//! `secret()` method, which keeps every place that touches a secret easy to find.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};

macro_rules! secret_newtype {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone)]
        pub struct $name(SecretString);

        impl $name {
            /// Wraps a secret value.
            pub fn new(value: impl Into<String>) -> Self {
                Self(SecretString::from(value.into()))
            }

            /// Reads the secret value. Call this only where the value goes on the wire.
            pub fn secret(&self) -> &str {
                self.0.expose_secret()
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "([redacted])"))
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self::new(value)
            }
        }
    };
}

secret_newtype!(
    /// An OAuth client secret (Bitbucket calls it the consumer's "Secret").
    ClientSecret
);
secret_newtype!(
    /// An access token, sent only in an `Authorization: Bearer` header.
    AccessToken
);
secret_newtype!(
    /// A refresh token.
    RefreshToken
);
secret_newtype!(
    /// An OpenID Connect ID token (a JWT).
    IdToken
);
secret_newtype!(
    /// An authorization code received on the callback.
    AuthorizationCode
);
secret_newtype!(
    /// The CSRF `state` value of one login flow.
    CsrfState
);
secret_newtype!(
    /// An OpenID Connect `nonce`.
    Nonce
);
secret_newtype!(
    /// The `device_code` of a device authorization (RFC 8628): it stands for the login until
    /// the user approves it, so it is kept out of logs.
    DeviceCode
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_of_every_secret_newtype_is_redacted() {
        let value = "very-secret-value-123";
        let printed = [
            format!("{:?}", ClientSecret::new(value)),
            format!("{:?}", AccessToken::new(value)),
            format!("{:?}", RefreshToken::new(value)),
            format!("{:?}", IdToken::new(value)),
            format!("{:?}", AuthorizationCode::new(value)),
            format!("{:?}", CsrfState::new(value)),
            format!("{:?}", Nonce::new(value)),
            format!("{:?}", DeviceCode::new(value)),
        ];
        for p in printed {
            assert!(!p.contains(value), "{p}");
            assert!(p.ends_with("([redacted])"), "{p}");
        }
    }

    #[test]
    fn secret_returns_the_wrapped_value() {
        assert_eq!(AccessToken::new("abc").secret(), "abc");
    }
}
