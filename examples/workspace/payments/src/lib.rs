//! Payments: a database of its own, named by PAYMENTS_DATABASE_URL, with
//! its ledger in a table of its own (sqlx.toml's table-name).

/// The payments database, as sqlx's macros would read it.
pub const DATABASE_URL: &str = env!("PAYMENTS_DATABASE_URL");
