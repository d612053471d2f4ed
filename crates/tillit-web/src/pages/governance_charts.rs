//! The governance pictures as inline SVG: the maturity radar and the year wheel. Each is
//! a `role="img"` with a title and a description, and every page that shows one also
//! shows its figures as a table. Series differ by line pattern and marker, not by
//! colour alone.

use std::f64::consts::PI;
use std::fmt::Write;

/// Text safe inside SVG/HTML.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const PATTERNS: [(&str, &str); 4] = [
    ("#1f5f8b", ""),
    ("#8a5a00", "8 4"),
    ("#2e7d32", "2 3"),
    ("#6a1b9a", "10 3 2 3"),
];

/// One compared result: its name and a value 0–`max` per axis.
pub struct Series {
    pub name: String,
    pub values: Vec<u8>,
}

/// A radar chart with one axis per area and rings for the levels 1..=`max`.
pub fn radar(
    id: &str,
    title: &str,
    description: &str,
    axes: &[String],
    max: u8,
    series: &[Series],
) -> String {
    let (cx, cy, r) = (260.0, 210.0, 150.0);
    let n = axes.len().max(3) as f64;
    let point = |axis: usize, value: f64| {
        let angle = -PI / 2.0 + 2.0 * PI * axis as f64 / n;
        (
            cx + r * value / f64::from(max) * angle.cos(),
            cy + r * value / f64::from(max) * angle.sin(),
        )
    };
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="radar-chart" viewBox="0 0 520 470" role="img" aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        escape(title),
        escape(description)
    );
    for ring in 1..=max {
        let points: Vec<String> = (0..axes.len())
            .map(|a| {
                let (x, y) = point(a, f64::from(ring));
                format!("{x:.1},{y:.1}")
            })
            .collect();
        let _ = write!(
            svg,
            r##"<polygon points="{}" fill="none" stroke="#b8c4cc" stroke-width="1"/>"##,
            points.join(" ")
        );
        let (x, y) = point(0, f64::from(ring));
        let _ = write!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" font-size="12" fill="#4a4a4a">{ring}</text>"##,
            x + 4.0,
            y + 4.0
        );
    }
    for (a, label) in axes.iter().enumerate() {
        let (x, y) = point(a, f64::from(max));
        let (lx, ly) = point(a, f64::from(max) * 1.12);
        let anchor = if (lx - cx).abs() < 5.0 {
            "middle"
        } else if lx > cx {
            "start"
        } else {
            "end"
        };
        let _ = write!(
            svg,
            r##"<line x1="{cx}" y1="{cy}" x2="{x:.1}" y2="{y:.1}" stroke="#b8c4cc"/><text x="{lx:.1}" y="{ly:.1}" font-size="13" text-anchor="{anchor}" fill="#1a1a1a">{}</text>"##,
            escape(label)
        );
    }
    for (i, s) in series.iter().enumerate() {
        let (colour, dash) = PATTERNS[i % PATTERNS.len()];
        let points: Vec<(f64, f64)> = s
            .values
            .iter()
            .enumerate()
            .map(|(a, v)| point(a, f64::from(*v)))
            .collect();
        let text: Vec<String> = points
            .iter()
            .map(|(x, y)| format!("{x:.1},{y:.1}"))
            .collect();
        let _ = write!(
            svg,
            r#"<polygon points="{}" fill="none" stroke="{colour}" stroke-width="3" stroke-dasharray="{dash}"/>"#,
            text.join(" ")
        );
        for (x, y) in &points {
            marker(&mut svg, i, *x, *y, colour);
        }
    }
    for (i, s) in series.iter().enumerate() {
        let (colour, dash) = PATTERNS[i % PATTERNS.len()];
        let y = 440.0;
        let x = 20.0 + 170.0 * i as f64;
        let _ = write!(
            svg,
            r#"<line x1="{x}" y1="{y}" x2="{}" y2="{y}" stroke="{colour}" stroke-width="3" stroke-dasharray="{dash}"/>"#,
            x + 30.0
        );
        marker(&mut svg, i, x + 15.0, y, colour);
        let _ = write!(
            svg,
            r##"<text x="{}" y="{}" font-size="13" fill="#1a1a1a">{}</text>"##,
            x + 36.0,
            y + 4.0,
            escape(&s.name)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Circle, square, triangle or diamond, by series.
fn marker(svg: &mut String, series: usize, x: f64, y: f64, colour: &str) {
    let _ = match series % 4 {
        0 => write!(
            svg,
            r#"<circle cx="{x:.1}" cy="{y:.1}" r="5" fill="{colour}"/>"#
        ),
        1 => write!(
            svg,
            r#"<rect x="{:.1}" y="{:.1}" width="9" height="9" fill="{colour}"/>"#,
            x - 4.5,
            y - 4.5
        ),
        2 => write!(
            svg,
            r#"<polygon points="{x:.1},{:.1} {:.1},{:.1} {:.1},{:.1}" fill="{colour}"/>"#,
            y - 6.0,
            x + 5.5,
            y + 4.0,
            x - 5.5,
            y + 4.0
        ),
        _ => write!(
            svg,
            r#"<polygon points="{x:.1},{:.1} {:.1},{y:.1} {x:.1},{:.1} {:.1},{y:.1}" fill="{colour}"/>"#,
            y - 6.0,
            x + 6.0,
            y + 6.0,
            x - 6.0
        ),
    };
}

/// A year wheel: twelve month sectors, each with its name and number of duties, and a
/// marker per duty (up to a dozen) between the rings.
pub fn year_wheel(
    id: &str,
    title: &str,
    description: &str,
    months: &[String; 12],
    counts: &[usize; 12],
    current_month: Option<usize>,
) -> String {
    let (cx, cy, outer, inner) = (230.0, 230.0, 210.0, 80.0);
    let at = |angle: f64, radius: f64| (cx + radius * angle.cos(), cy + radius * angle.sin());
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="wheel-chart" viewBox="0 0 460 460" role="img" aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        escape(title),
        escape(description)
    );
    for month in 0..12 {
        let start = -PI / 2.0 + 2.0 * PI * month as f64 / 12.0;
        let end = start + 2.0 * PI / 12.0;
        let (x1, y1) = at(start, outer);
        let (x2, y2) = at(end, outer);
        let (x3, y3) = at(end, inner);
        let (x4, y4) = at(start, inner);
        let current = current_month == Some(month);
        let fill = if current {
            "#dcebf5"
        } else if month % 2 == 0 {
            "#f4f7f9"
        } else {
            "#ffffff"
        };
        let stroke_width = if current { 3 } else { 1 };
        let _ = write!(
            svg,
            r##"<path d="M{x1:.1},{y1:.1} A{outer},{outer} 0 0 1 {x2:.1},{y2:.1} L{x3:.1},{y3:.1} A{inner},{inner} 0 0 0 {x4:.1},{y4:.1} Z" fill="{fill}" stroke="#1f5f8b" stroke-width="{stroke_width}"/>"##
        );
        let middle = (start + end) / 2.0;
        let (tx, ty) = at(middle, outer - 24.0);
        let _ = write!(
            svg,
            r##"<text x="{tx:.1}" y="{ty:.1}" font-size="14" font-weight="700" text-anchor="middle" fill="#1a1a1a">{}</text>"##,
            escape(&months[month])
        );
        let (nx, ny) = at(middle, inner + 24.0);
        let _ = write!(
            svg,
            r##"<text x="{nx:.1}" y="{:.1}" font-size="16" text-anchor="middle" fill="#1f5f8b">{}</text>"##,
            ny + 5.0,
            counts[month]
        );
        for dot in 0..counts[month].min(12) {
            let radius = inner + 48.0 + 12.0 * (dot / 4) as f64;
            let spread = (dot % 4) as f64 - 1.5;
            let (dx, dy) = at(middle + spread * 0.09, radius);
            let _ = write!(
                svg,
                r##"<circle cx="{dx:.1}" cy="{dy:.1}" r="4" fill="#1f5f8b"/>"##
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_radar_is_a_titled_image_with_one_polygon_per_series() {
        let svg = radar(
            "r",
            "Mognad <2026>",
            "Nivå per område",
            &["Ledning".into(), "Risk".into(), "Kultur".into()],
            4,
            &[
                Series {
                    name: "2025".into(),
                    values: vec![1, 0, 1],
                },
                Series {
                    name: "2026".into(),
                    values: vec![2, 1, 1],
                },
            ],
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains(r#"role="img""#));
        assert!(svg.contains("<title id=\"r-title\">Mognad &lt;2026&gt;</title>"));
        assert_eq!(
            svg.matches("stroke-width=\"3\"").count(),
            4,
            "two polygons and two legend lines"
        );
        assert!(
            !svg.contains("style="),
            "inline styles are refused by the CSP"
        );
    }

    #[test]
    fn the_wheel_has_twelve_sectors_with_their_counts() {
        let months: [String; 12] = std::array::from_fn(|m| format!("M{}", m + 1));
        let mut counts = [0; 12];
        counts[3] = 2;
        let svg = year_wheel(
            "w",
            "Årshjul",
            "Plikter per månad",
            &months,
            &counts,
            Some(3),
        );
        assert_eq!(svg.matches("<path ").count(), 12);
        assert_eq!(svg.matches("<circle ").count(), 2);
        assert!(svg.contains(">M12</text>"));
    }
}
