//! Line and step charts as inline SVG, drawn on the server: no script, no
//! library, readable by screen readers through their title and a text
//! summary. A step chart holds each value until the next point (drawn
//! horizontal, then vertical): counts and samples read as what they were,
//! never as a slope between two of them.

use maud::{Markup, html};

/// One line: its name, a CSS class for its colour, and (x, y) points with x
/// in seconds since the epoch.
pub struct Series<'a> {
    pub label: &'a str,
    pub class: &'a str,
    pub points: Vec<(f64, f64)>,
}

const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 160.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 8.0;
const BOTTOM: f64 = 22.0;

/// The drawing box of a chart: maps data to SVG coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    pub x_min: f64,
    pub x_max: f64,
    pub y_max: f64,
}

impl Frame {
    /// The smallest frame holding every point, from y = 0 (never a zero span).
    pub fn around(series: &[Series]) -> Option<Frame> {
        let points = series.iter().flat_map(|s| s.points.iter());
        let mut frame: Option<Frame> = None;
        for &(x, y) in points {
            let f = frame.get_or_insert(Frame {
                x_min: x,
                x_max: x,
                y_max: 0.0,
            });
            f.x_min = f.x_min.min(x);
            f.x_max = f.x_max.max(x);
            f.y_max = f.y_max.max(y);
        }
        frame.map(|mut f| {
            if f.x_max - f.x_min < 1.0 {
                f.x_min -= 1.0;
            }
            if f.y_max <= 0.0 {
                f.y_max = 1.0;
            }
            f
        })
    }

    /// SVG coordinates of a data point.
    pub fn place(&self, x: f64, y: f64) -> (f64, f64) {
        let w = WIDTH - LEFT - RIGHT;
        let h = HEIGHT - TOP - BOTTOM;
        let px = LEFT + (x - self.x_min) / (self.x_max - self.x_min) * w;
        let py = TOP + h - (y.max(0.0) / self.y_max) * h;
        (px, py)
    }
}

/// A chart of `series`, `format` writing the y values (for the axis and the
/// summary), its top at least `floor` (so that noise near zero stays flat).
/// "No figures yet" when there is nothing to draw.
pub fn line_chart(title: &str, series: &[Series], format: fn(f64) -> String, floor: f64) -> Markup {
    chart(title, series, format, floor, false)
}

/// [`line_chart`] drawn as steps: each value holds until the next point.
pub fn step_chart(title: &str, series: &[Series], format: fn(f64) -> String, floor: f64) -> Markup {
    chart(title, series, format, floor, true)
}

fn chart(
    title: &str,
    series: &[Series],
    format: fn(f64) -> String,
    floor: f64,
    step: bool,
) -> Markup {
    let Some(mut frame) = Frame::around(series) else {
        return html! {
            figure.chart {
                figcaption { (title) }
                p.empty { "No figures yet: the server samples every few seconds." }
            }
        };
    };
    frame.y_max = frame.y_max.max(floor);
    // Times of day for a day or less, dates beyond.
    let pattern = if frame.x_max - frame.x_min > 86_400.0 {
        "%Y-%m-%d"
    } else {
        "%H:%M"
    };
    let time = |x: f64| {
        chrono::DateTime::from_timestamp(x as i64, 0)
            .map(|t| t.format(pattern).to_string())
            .unwrap_or_default()
    };
    let summary: Vec<String> = series
        .iter()
        .filter_map(|s| {
            let last = s.points.last()?;
            let max = s.points.iter().map(|p| p.1).fold(f64::MIN, f64::max);
            Some(format!(
                "{}: now {}, highest {}",
                s.label,
                format(last.1),
                format(max)
            ))
        })
        .collect();
    let (_, base) = frame.place(frame.x_min, 0.0);
    let (_, top) = frame.place(frame.x_min, frame.y_max);
    html! {
        figure.chart {
            figcaption { (title) }
            svg viewBox=(format!("0 0 {WIDTH} {HEIGHT}")) role="img" aria-label=(format!("{title}. {}", summary.join("; "))) {
                line.axis x1=(LEFT) y1=(base) x2=(WIDTH - RIGHT) y2=(base) {}
                line.grid x1=(LEFT) y1=(top) x2=(WIDTH - RIGHT) y2=(top) {}
                text.label x=(LEFT - 4.0) y=(top + 4.0) text-anchor="end" { (format(frame.y_max)) }
                text.label x=(LEFT - 4.0) y=(base) text-anchor="end" { (format(0.0)) }
                text.label x=(LEFT) y=(HEIGHT - 4.0) { (time(frame.x_min)) }
                text.label x=(WIDTH - RIGHT) y=(HEIGHT - 4.0) text-anchor="end" { (time(frame.x_max)) }
                @for s in series {
                    @let drawn = if step { steps(&s.points) } else { s.points.clone() };
                    polyline class=(format!("{} {}", if step { "line step" } else { "line" }, s.class)) points=(points(&frame, &drawn)) {}
                    // The latest point, marked: alone, a line would not show.
                    @if let Some(&(x, y)) = s.points.last() {
                        @let (cx, cy) = frame.place(x, y);
                        circle class=(format!("dot {}", s.class)) cx=(format!("{cx:.1}")) cy=(format!("{cy:.1}")) r="3" {}
                    }
                }
            }
            ul.legend {
                @for (s, text) in series.iter().zip(&summary) {
                    li { span class=(format!("swatch {}", s.class)) aria-hidden="true" {} (text) }
                }
            }
        }
    }
}

/// The corners of a step line through `points`: from each point along to
/// the next one's time, then up or down to its value.
pub fn steps(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(points.len() * 2);
    for (i, &(x, y)) in points.iter().enumerate() {
        if i > 0 {
            let (_, previous) = points[i - 1];
            out.push((x, previous));
        }
        out.push((x, y));
    }
    out
}

fn points(frame: &Frame, points: &[(f64, f64)]) -> String {
    points
        .iter()
        .map(|&(x, y)| {
            let (px, py) = frame.place(x, y);
            format!("{px:.1},{py:.1}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(points: Vec<(f64, f64)>) -> Vec<Series<'static>> {
        vec![Series {
            label: "cpu",
            class: "a",
            points,
        }]
    }

    #[test]
    fn points_fill_the_box_from_zero_to_the_highest() {
        let s = series(vec![(100.0, 0.0), (160.0, 50.0), (220.0, 25.0)]);
        let f = Frame::around(&s).unwrap();
        assert_eq!(
            f,
            Frame {
                x_min: 100.0,
                x_max: 220.0,
                y_max: 50.0
            }
        );
        assert_eq!(f.place(100.0, 0.0), (LEFT, HEIGHT - BOTTOM));
        assert_eq!(f.place(220.0, 50.0), (WIDTH - RIGHT, TOP));
        let (_, mid) = f.place(160.0, 25.0);
        assert!((mid - (TOP + (HEIGHT - TOP - BOTTOM) / 2.0)).abs() < 1e-9);
    }

    #[test]
    fn one_point_or_all_zero_still_has_a_frame() {
        let f = Frame::around(&series(vec![(100.0, 0.0)])).unwrap();
        assert!(f.x_max > f.x_min && f.y_max > 0.0);
        assert!(Frame::around(&series(vec![])).is_none());
    }

    #[test]
    fn a_chart_has_a_summary_and_escapes_its_labels() {
        let s = vec![Series {
            label: "<b>",
            class: "a",
            points: vec![(0.0, 1.0), (60.0, 3.0)],
        }];
        let html = line_chart("CPU", &s, |v| format!("{v:.0}%"), 0.0).into_string();
        assert!(html.contains("now 3%, highest 3%"), "{html}");
        assert!(
            html.contains("&lt;b&gt;") && !html.contains("<b>"),
            "{html}"
        );
        assert!(html.contains("<polyline"));
        let empty = line_chart("CPU", &series(vec![]), |v| v.to_string(), 0.0).into_string();
        assert!(empty.contains("No figures yet"));
    }

    #[test]
    fn a_step_holds_its_value_until_the_next_point() {
        // Three failed, then two running: never a diagonal between them.
        let corners = steps(&[(0.0, 3.0), (60.0, 2.0), (120.0, 2.0)]);
        assert_eq!(
            corners,
            [
                (0.0, 3.0),
                (60.0, 3.0),
                (60.0, 2.0),
                (120.0, 2.0),
                (120.0, 2.0)
            ]
        );
        for pair in corners.windows(2) {
            let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
            assert!(
                x0 == x1 || y0 == y1,
                "a diagonal from {x0},{y0} to {x1},{y1}"
            );
        }
        let html = step_chart(
            "Alive",
            &series(vec![(0.0, 3.0), (60.0, 2.0)]),
            |v| format!("{v:.0}"),
            1.0,
        )
        .into_string();
        assert!(html.contains("line step a"), "{html}");
    }
}
