//! The lists' own rules, through their functions (the HTTP face is tested over TCP in
//! `simulator/tests/resources.rs`).

use super::page::query_value;

#[test]
fn query_values_are_decoded() {
    let q = Some("category_name=Managed+Databases&x=a%2Fb&project_id=p&bad=%zz");
    assert_eq!(
        query_value(q, "category_name").as_deref(),
        Some("Managed Databases")
    );
    assert_eq!(query_value(q, "x").as_deref(), Some("a/b"));
    assert_eq!(query_value(q, "project_id").as_deref(), Some("p"));
    assert_eq!(query_value(q, "bad").as_deref(), Some("%zz"));
    assert_eq!(query_value(q, "project").as_deref(), None);
    assert_eq!(query_value(None, "x"), None);
}
