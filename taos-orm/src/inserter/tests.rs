use super::*;

#[test]
fn row_bytes_counts_bound_sizes() {
    use crate::sql::test_tables::Meter;
    // ts 8 + current 4 + voltage 8 + phase 4.
    assert_eq!(stats::row_bytes(&Meter::new("d1", 1)), 24);
}

#[test]
fn errors_say_what_happened_to_the_row() {
    let e = WriteError {
        row: Some(1),
        error: Error::InserterClosed,
    };
    assert_eq!(e.to_string(), "the background inserter has stopped");
    assert!(format!("{e:?}").contains("row_returned: true"));
    let e = EndError {
        error: Error::Timeout(Duration::from_secs(1)),
        unwritten: vec![1, 2],
        stats: InserterStats::default(),
    };
    assert_eq!(
        e.to_string(),
        "2 rows left unwritten: no answer from the server within 1s"
    );
    assert!(Error::from(e).is_retriable());
}
