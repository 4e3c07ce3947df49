//! A dependency-free stand-in for a sqlx crate: what matters is that its
//! build and its tests see the migrated PostgreSQL schema through
//! DATABASE_URL, as sqlx's query! macros would.
fn main() {
    println!("DATABASE_URL at build time: {}", env!("DATABASE_URL"));
}
