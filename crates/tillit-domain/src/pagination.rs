//! Page requests for every list: `?page=&per_page=`, at most 500 rows a page.

use crate::ValidationErrors;

pub const DEFAULT_PER_PAGE: u32 = 50;
pub const MAX_PER_PAGE: u32 = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PageRequest {
    pub page: u32,
    pub per_page: u32,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            page: 1,
            per_page: DEFAULT_PER_PAGE,
        }
    }
}

impl PageRequest {
    pub fn parse(page: Option<u32>, per_page: Option<u32>) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let page = page.unwrap_or(1);
        let per_page = per_page.unwrap_or(DEFAULT_PER_PAGE);
        if page == 0 {
            errors.add("page", "out-of-range");
        }
        if per_page == 0 || per_page > MAX_PER_PAGE {
            errors.add("per_page", "out-of-range");
        }
        errors.finish(Self { page, per_page })
    }

    pub fn offset(&self) -> i64 {
        i64::from(self.page - 1) * i64::from(self.per_page)
    }

    pub fn limit(&self) -> i64 {
        i64::from(self.per_page)
    }

    pub fn page_count(&self, total: i64) -> u32 {
        let per_page = i64::from(self.per_page);
        u32::try_from((total + per_page - 1) / per_page)
            .unwrap_or(u32::MAX)
            .max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_bounds() {
        assert_eq!(
            PageRequest::parse(None, None),
            Ok(PageRequest {
                page: 1,
                per_page: 50
            })
        );
        assert!(PageRequest::parse(Some(0), None).unwrap_err().has("page"));
        assert!(PageRequest::parse(None, Some(501))
            .unwrap_err()
            .has("per_page"));
        let p = PageRequest::parse(Some(3), Some(20)).unwrap();
        assert_eq!((p.offset(), p.limit()), (40, 20));
        assert_eq!(p.page_count(41), 3);
        assert_eq!(p.page_count(0), 1);
    }
}
