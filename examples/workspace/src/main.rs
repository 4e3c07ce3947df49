//! Prints the databases each crate was compiled against: the build fails
//! (as sqlx's macros fail it) when a variable is not set.

/// The main crate's database, as sqlx's macros would read it.
const DATABASE_URL: &str = env!("DATABASE_URL");

fn main() {
    println!("main DATABASE_URL={}", DATABASE_URL);
    println!("accounts ACCOUNTS_DATABASE_URL={}", accounts::DATABASE_URL);
    println!("payments PAYMENTS_DATABASE_URL={}", payments::DATABASE_URL);
}
