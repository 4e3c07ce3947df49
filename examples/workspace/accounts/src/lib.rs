//! Accounts: a database of its own, named by ACCOUNTS_DATABASE_URL.

/// The accounts database, as sqlx's macros would read it (sqlx.toml's
/// database-url-var).
pub const DATABASE_URL: &str = env!("ACCOUNTS_DATABASE_URL");
