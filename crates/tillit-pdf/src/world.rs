//! The smallest world typst can compile in: one template, one data file, the fonts
//! built into the binary, no packages, no file system and no network.

use std::sync::LazyLock;

use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Feature, Library, LibraryExt, World, WorldExt};

/// The standard library, with the accessibility extras the template uses to mark the
/// matrix' row headers.
static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| {
    let features = [Feature::A11yExtras].into_iter().collect();
    LazyHash::new(Library::builder().with_features(features).build())
});

/// The fonts typst ships, parsed once per process.
static FONTS: LazyLock<Vec<Font>> = LazyLock::new(|| {
    typst_assets::fonts()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect()
});

static BOOK: LazyLock<LazyHash<FontBook>> =
    LazyLock::new(|| LazyHash::new(FontBook::from_fonts(FONTS.iter())));

/// A template compiled against one JSON data file.
pub(crate) struct TemplateWorld {
    main: Source,
    data_id: FileId,
    data: Bytes,
    pub(crate) today: Option<Datetime>,
}

impl TemplateWorld {
    /// A world whose main file is `template`, reading `data` as `data.json`, for which
    /// today is `today` (`YYYY-MM-DD`; anything else leaves typst without a date).
    pub(crate) fn new(template: &str, data: Vec<u8>, today: &str) -> Result<Self, String> {
        let main_id = project_file("/main.typ")?;
        Ok(Self {
            main: Source::new(main_id, template.to_owned()),
            data_id: project_file("/data.json")?,
            data: Bytes::new(data),
            today: parse_day(today),
        })
    }

    /// The diagnostics as one line each, with the template line they point at.
    pub(crate) fn describe(&self, diagnostics: &[SourceDiagnostic]) -> String {
        diagnostics
            .iter()
            .map(|diagnostic| {
                let mut line = diagnostic.message.to_string();
                let at = self
                    .range(diagnostic.span)
                    .filter(|_| diagnostic.span.id() == Some(self.main.id()))
                    .and_then(|range| self.main.lines().byte_to_line(range.start));
                if let Some(at) = at {
                    line.push_str(&format!(" (template line {})", at + 1));
                }
                for hint in &diagnostic.hints {
                    line.push_str(&format!("; hint: {}", hint.v));
                }
                line
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl World for TemplateWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &BOOK
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else if id == self.data_id {
            Err(FileError::NotSource)
        } else {
            Err(not_found(id))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            Ok(self.data.clone())
        } else if id == self.main.id() {
            Ok(Bytes::from_string(self.main.clone()))
        } else {
            Err(not_found(id))
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        self.today
    }
}

fn project_file(path: &str) -> Result<FileId, String> {
    let path = VirtualPath::new(path).map_err(|e| format!("{path}: {e}"))?;
    Ok(RootedPath::new(VirtualRoot::Project, path).intern())
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(id.vpath().get_without_slash().into())
}

/// `YYYY-MM-DD` as a date.
fn parse_day(day: &str) -> Option<Datetime> {
    let mut parts = day.splitn(3, '-');
    let year = parts.next()?.parse().ok()?;
    let month = parts.next()?.parse().ok()?;
    let day = parts.next()?.parse().ok()?;
    Datetime::from_ymd(year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_parse_only_when_whole() {
        assert_eq!(parse_day("2026-05-03"), Datetime::from_ymd(2026, 5, 3));
        assert_eq!(parse_day("2026-02-30"), None);
        assert_eq!(parse_day("3 maj 2026"), None);
        assert_eq!(parse_day("2026-05-03T10:00"), None);
    }

    #[test]
    fn the_fonts_load() {
        assert!(!FONTS.is_empty());
        assert!(BOOK.families().next().is_some());
    }
}
