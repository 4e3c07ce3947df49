use std::process::Command;

// The check phase reaches the migrated schema through DATABASE_URL (here
// with psql, as a crate without dependencies cannot link a client).
#[test]
fn users_table_is_migrated() {
    let url = std::env::var("DATABASE_URL").expect("dbprep's phase sets DATABASE_URL");
    assert!(url.starts_with("postgres:///"), "{}", url);
    let out = Command::new("psql")
        .args([url.as_str(), "-Atc", "SELECT count(*) FROM users WHERE favorite_color = 'green'"])
        .output()
        .expect("psql runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "0");
}
