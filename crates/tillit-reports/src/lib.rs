//! PDF (typst), XLSX/CSV export and import, and SVG charts; filled as the reporting modules land.
