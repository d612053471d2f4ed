//! Case-insensitive search that works for Swedish letters on both engines.
//!
//! SQLite's `LOWER()` only folds ASCII, so "Östra" would not match "östra". The
//! application stores a folded copy of searchable text and folds the query the same way.

/// The folded form stored beside a searchable text.
pub fn fold(text: &str) -> String {
    text.trim().to_lowercase()
}

/// A `LIKE` pattern matching `query` anywhere, with `%`, `_` and `\` taken literally
/// (use with `ESCAPE '\'`).
pub fn contains_pattern(query: &str) -> String {
    literal_anywhere(&fold(query))
}

/// A `LIKE` pattern matching `query` anywhere in a designation such as `ÅT-0012` or
/// `RA-0003 R2`, which are written in capitals: the query is put in capitals too.
pub fn designation_pattern(query: &str) -> String {
    literal_anywhere(&query.trim().to_uppercase())
}

fn literal_anywhere(text: &str) -> String {
    let mut pattern = String::from("%");
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swedish_letters_fold() {
        assert_eq!(fold(" Östra Vårdcentralen "), "östra vårdcentralen");
        assert_eq!(fold("ÅSA ÄNGEL"), "åsa ängel");
    }

    #[test]
    fn wildcards_are_literal() {
        assert_eq!(contains_pattern("Ö"), "%ö%");
        assert_eq!(contains_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }

    #[test]
    fn designations_are_searched_in_capitals() {
        assert_eq!(designation_pattern(" åt-0012 "), "%ÅT-0012%");
        assert_eq!(designation_pattern("ra-0003 r2"), "%RA-0003 R2%");
        assert_eq!(designation_pattern("IS_1"), "%IS\\_1%");
    }
}
