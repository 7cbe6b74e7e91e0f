//! A letter's progress for the console: how many signatures it has in each kind and state,
//! and how they came in day by day, drawn as an inline SVG chart that needs no script.
//!
//! Days are bucketed here in Rust rather than with date functions in SQL, which differ
//! between SQLite and PostgreSQL; the rows are read in keyset pages of a few columns, so
//! memory grows with the number of days, not of signatures.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{Days, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::signatures;
use crate::letters::Letter;
use crate::signatures::{SignatureKind, SignatureState, is_counted};
use crate::values::html::escape;

const PAGE: i64 = 5000;

/// What the chart needs to know of one signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureTimes {
    pub kind: SignatureKind,
    pub state: SignatureState,
    pub created_at: NaiveDateTime,
    pub verified_at: Option<NaiveDateTime>,
    pub approved_at: Option<NaiveDateTime>,
}

impl SignatureTimes {
    /// When the signature started to count toward the total, if it counts now (by the one
    /// counting rule, `signatures::is_counted`): an individual once confirmed by email, an
    /// organization once approved, or once confirmed where organizations need no approval.
    pub fn counted_at(&self, organizations_need_approval: bool) -> Option<NaiveDateTime> {
        if !is_counted(self.kind, self.state, organizations_need_approval) {
            return None;
        }
        match self.kind {
            SignatureKind::Individual => self.verified_at,
            SignatureKind::Organization => self.approved_at.or(self.verified_at),
        }
    }
}

/// How many signatures of each kind are in one state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StateCounts {
    pub state: SignatureState,
    pub individuals: i64,
    pub organizations: i64,
}

impl StateCounts {
    pub fn total(&self) -> i64 {
        self.individuals + self.organizations
    }
}

/// One day of the chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Day {
    pub date: NaiveDate,
    /// Signatures submitted that day, in any state.
    pub submitted: i64,
    /// Signatures that started to count that day (and still count).
    pub counted: i64,
    /// Everything submitted up to the end of the day.
    pub total_submitted: i64,
    /// Everything counted up to the end of the day.
    pub total_counted: i64,
}

/// A letter's counts and its days, oldest first, without gaps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Progress {
    pub counts: Vec<StateCounts>,
    pub days: Vec<Day>,
    /// The letter's rule for organizations, which decides what counts.
    pub organizations_need_approval: bool,
}

impl Progress {
    pub fn count(&self, kind: SignatureKind, state: SignatureState) -> i64 {
        self.counts
            .iter()
            .find(|counts| counts.state == state)
            .map(|counts| match kind {
                SignatureKind::Individual => counts.individuals,
                SignatureKind::Organization => counts.organizations,
            })
            .unwrap_or(0)
    }

    /// What the public total counts, by the same rule as the total itself.
    pub fn counted(&self) -> i64 {
        self.counts
            .iter()
            .map(|counts| {
                let counted =
                    |kind| is_counted(kind, counts.state, self.organizations_need_approval);
                let mut sum = 0;
                if counted(SignatureKind::Individual) {
                    sum += counts.individuals;
                }
                if counted(SignatureKind::Organization) {
                    sum += counts.organizations;
                }
                sum
            })
            .sum()
    }

    /// Every signature ever submitted, in any state.
    pub fn submitted(&self) -> i64 {
        self.counts.iter().map(StateCounts::total).sum()
    }

    pub fn individuals(&self) -> i64 {
        self.counts.iter().map(|counts| counts.individuals).sum()
    }

    pub fn organizations(&self) -> i64 {
        self.counts.iter().map(|counts| counts.organizations).sum()
    }

    /// The day with the most submissions (the earliest of equals), if any.
    pub fn busiest_day(&self) -> Option<&Day> {
        self.days
            .iter()
            .filter(|day| day.submitted > 0)
            .fold(None, |best: Option<&Day>, day| match best {
                Some(best) if best.submitted >= day.submitted => Some(best),
                _ => Some(day),
            })
    }
}

/// Adds signatures up one at a time.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    /// [state][0 = individual, 1 = organization]
    counts: [[i64; 2]; SignatureState::ALL.len()],
    submitted: BTreeMap<NaiveDate, i64>,
    counted: BTreeMap<NaiveDate, i64>,
    organizations_need_approval: bool,
}

impl Tally {
    /// A tally for a letter with this rule for organizations.
    pub fn new(organizations_need_approval: bool) -> Self {
        Self {
            organizations_need_approval,
            ..Self::default()
        }
    }

    pub fn add(&mut self, signature: &SignatureTimes) {
        let kind = match signature.kind {
            SignatureKind::Individual => 0,
            SignatureKind::Organization => 1,
        };
        if let Some(state) = SignatureState::ALL
            .iter()
            .position(|state| *state == signature.state)
        {
            self.counts[state][kind] += 1;
        }
        *self
            .submitted
            .entry(signature.created_at.date())
            .or_default() += 1;
        if let Some(counted_at) = signature.counted_at(self.organizations_need_approval) {
            *self.counted.entry(counted_at.date()).or_default() += 1;
        }
    }

    /// The progress so far, with one entry per day from the first signature to the last
    /// event, or to `until` when that is later (today, for a letter still collecting).
    pub fn finish(self, until: Option<NaiveDate>) -> Progress {
        let counts = SignatureState::ALL
            .iter()
            .zip(self.counts)
            .map(|(state, [individuals, organizations])| StateCounts {
                state: *state,
                individuals,
                organizations,
            })
            .collect();
        let first = [self.submitted.keys().next(), self.counted.keys().next()]
            .into_iter()
            .flatten()
            .min()
            .copied();
        let last = [
            self.submitted.keys().next_back(),
            self.counted.keys().next_back(),
        ]
        .into_iter()
        .flatten()
        .max()
        .copied();
        let mut days = Vec::new();
        if let (Some(first), Some(last)) = (first, last) {
            let last = until.map_or(last, |until| until.max(last));
            let (mut total_submitted, mut total_counted) = (0, 0);
            let mut date = first;
            while date <= last {
                let submitted = self.submitted.get(&date).copied().unwrap_or(0);
                let counted = self.counted.get(&date).copied().unwrap_or(0);
                total_submitted += submitted;
                total_counted += counted;
                days.push(Day {
                    date,
                    submitted,
                    counted,
                    total_submitted,
                    total_counted,
                });
                match date.checked_add_days(Days::new(1)) {
                    Some(next) => date = next,
                    None => break,
                }
            }
        }
        Progress {
            counts,
            days,
            organizations_need_approval: self.organizations_need_approval,
        }
    }
}

/// Reads a letter's signatures in pages and tallies them.
pub fn load(
    connection: &mut DbConnection,
    letter: &Letter,
    until: Option<NaiveDate>,
) -> Result<Progress, diesel::result::Error> {
    type Row = (
        String,
        SignatureKind,
        SignatureState,
        NaiveDateTime,
        Option<NaiveDateTime>,
        Option<NaiveDateTime>,
    );
    let letter_id = letter.id.as_str();
    let mut tally = Tally::new(letter.organizations_need_approval);
    let mut after: Option<String> = None;
    loop {
        let mut query = signatures::table
            .filter(signatures::letter_id.eq(letter_id))
            .order(signatures::id.asc())
            .limit(PAGE)
            .select((
                signatures::id,
                signatures::kind,
                signatures::state,
                signatures::created_at,
                signatures::verified_at,
                signatures::approved_at,
            ))
            .into_boxed();
        if let Some(after) = after.take() {
            query = query.filter(signatures::id.gt(after));
        }
        let page: Vec<Row> = query.load(connection)?;
        let full = page.len() as i64 == PAGE;
        for (id, kind, state, created_at, verified_at, approved_at) in page {
            tally.add(&SignatureTimes {
                kind,
                state,
                created_at,
                verified_at,
                approved_at,
            });
            after = Some(id);
        }
        if !full {
            break;
        }
    }
    Ok(tally.finish(until))
}

/// The smallest round number (1, 2, 3, 4, 5, 6 or 8 times a power of ten) that is at least
/// `value` and at least 1, for the top of an axis.
pub fn nice_ceiling(value: i64) -> i64 {
    let value = value.max(1);
    let mut magnitude = 1i64;
    loop {
        for step in [1, 2, 3, 4, 5, 6, 8] {
            let candidate = step * magnitude;
            if candidate >= value {
                return candidate;
            }
        }
        match magnitude.checked_mul(10) {
            Some(next) => magnitude = next,
            None => return value,
        }
    }
}

fn long_date(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

fn plural(count: i64, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// One sentence that says what the chart shows, for screen readers.
pub fn describe(progress: &Progress) -> String {
    let (Some(first), Some(last)) = (progress.days.first(), progress.days.last()) else {
        return "No signatures yet.".to_owned();
    };
    let mut text = format!(
        "From {} to {}: {} submitted, {} counted.",
        long_date(first.date),
        long_date(last.date),
        plural(last.total_submitted, "signature", "signatures"),
        last.total_counted
    );
    if let Some(busiest) = progress.busiest_day() {
        let _ = write!(
            text,
            " Most submitted in one day: {} on {}.",
            busiest.submitted,
            long_date(busiest.date)
        );
    }
    text
}

const WIDTH: f64 = 720.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 16.0;
const LINES_TOP: f64 = 40.0;
const LINES_HEIGHT: f64 = 170.0;
const BARS_TOP: f64 = 260.0;
const BARS_HEIGHT: f64 = 90.0;
const HEIGHT: f64 = 390.0;
const SUBMITTED_COLOR: &str = "#5f5f66";
const COUNTED_COLOR: &str = "#1e6b3a";
const BAR_COLOR: &str = "#b3261e";
const GRID_COLOR: &str = "#e3e0d8";

const GOAL_COLOR: &str = "#1a5fb4";

/// Draws the progress as an SVG: the running totals of submitted and counted signatures
/// above, the submissions of each day as bars below. `id` prefixes the element ids the
/// chart's accessible name points to; `title` is its name.
pub fn render_svg(progress: &Progress, id: &str, title: &str) -> String {
    render_svg_with_goal(progress, id, title, None)
}

/// `render_svg` with the letter's goal, when it has one, as a line across the totals: how
/// far the count is from it is what staff look at the chart for.
pub fn render_svg_with_goal(
    progress: &Progress,
    id: &str,
    title: &str,
    goal: Option<i64>,
) -> String {
    let goal = goal.filter(|goal| *goal > 0);
    let id = escape(id);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{id}-title {id}-desc" font-family="system-ui, sans-serif" font-size="12">"#
    );
    let _ = write!(
        svg,
        r#"<title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        escape(title),
        escape(&match goal {
            Some(goal) => format!("{} The goal is {}.", describe(progress), goal),
            None => describe(progress),
        })
    );
    let days = &progress.days;
    let Some(last) = days.last() else {
        let _ = write!(
            svg,
            r#"<text x="{}" y="{}" text-anchor="middle" fill="{SUBMITTED_COLOR}">No signatures yet.</text></svg>"#,
            WIDTH / 2.0,
            HEIGHT / 2.0
        );
        return svg;
    };

    let plot_width = WIDTH - LEFT - RIGHT;
    let slot = plot_width / days.len() as f64;
    let center = |index: usize| LEFT + slot * (index as f64 + 0.5);

    // Legend.
    let _ = write!(
        svg,
        r#"<g aria-hidden="true"><line x1="{LEFT}" y1="14" x2="{}" y2="14" stroke="{SUBMITTED_COLOR}" stroke-width="2" stroke-dasharray="5 3"/><text x="{}" y="18">Submitted, all states</text><line x1="{}" y1="14" x2="{}" y2="14" stroke="{COUNTED_COLOR}" stroke-width="3"/><text x="{}" y="18">Counted (confirmed individuals, approved organizations)</text></g>"#,
        LEFT + 24.0,
        LEFT + 30.0,
        LEFT + 180.0,
        LEFT + 204.0,
        LEFT + 210.0,
    );

    // Running totals.
    let lines_max = nice_ceiling(
        last.total_submitted
            .max(last.total_counted)
            .max(goal.unwrap_or(0)),
    );
    let lines_y =
        |value: i64| LINES_TOP + LINES_HEIGHT - LINES_HEIGHT * value as f64 / lines_max as f64;
    axis(&mut svg, LINES_TOP, LINES_HEIGHT, lines_max, "Total");
    let series = [
        (
            "submitted",
            SUBMITTED_COLOR,
            "2",
            r#" stroke-dasharray="5 3""#,
            days.iter()
                .map(|day| day.total_submitted)
                .collect::<Vec<_>>(),
        ),
        (
            "counted",
            COUNTED_COLOR,
            "3",
            "",
            days.iter().map(|day| day.total_counted).collect::<Vec<_>>(),
        ),
    ];
    for (name, color, width, dash, values) in &series {
        let points: Vec<String> = values
            .iter()
            .enumerate()
            .map(|(index, value)| format!("{:.1},{:.1}", center(index), lines_y(*value)))
            .collect();
        let _ = write!(
            svg,
            r#"<polyline class="line {name}" fill="none" stroke="{color}" stroke-width="{width}"{dash} points="{}"/>"#,
            points.join(" ")
        );
        // Short ranges get dots, so that a single day still shows.
        if days.len() <= 62 {
            for (index, value) in values.iter().enumerate() {
                let _ = write!(
                    svg,
                    r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{color}"/>"#,
                    center(index),
                    lines_y(*value)
                );
            }
        }
    }

    if let Some(goal) = goal {
        let y = lines_y(goal);
        let _ = write!(
            svg,
            r#"<g class="goal" aria-hidden="true"><line x1="{LEFT}" y1="{y:.1}" x2="{}" y2="{y:.1}" stroke="{GOAL_COLOR}" stroke-width="1.5" stroke-dasharray="2 3"/><text x="{}" y="{:.1}" text-anchor="end" fill="{GOAL_COLOR}">Goal: {goal}</text></g>"#,
            WIDTH - RIGHT,
            WIDTH - RIGHT,
            y - 5.0
        );
    }

    // Submissions per day.
    let bars_max = nice_ceiling(days.iter().map(|day| day.submitted).max().unwrap_or(0));
    axis(&mut svg, BARS_TOP, BARS_HEIGHT, bars_max, "Per day");
    let bar_width = (slot * 0.7).max(1.0);
    for (index, day) in days.iter().enumerate() {
        if day.submitted == 0 {
            continue;
        }
        let height = BARS_HEIGHT * day.submitted as f64 / bars_max as f64;
        let _ = write!(
            svg,
            r#"<rect class="bar" x="{:.1}" y="{:.1}" width="{bar_width:.1}" height="{height:.1}" fill="{BAR_COLOR}"><title>{}: {} submitted, {} counted</title></rect>"#,
            center(index) - bar_width / 2.0,
            BARS_TOP + BARS_HEIGHT - height,
            day.date,
            day.submitted,
            day.counted
        );
    }

    // Dates along the bottom: the first, the last, and the middle of longer ranges.
    let mut labels = vec![(0, "start")];
    if days.len() > 2 {
        labels.push((days.len() / 2, "middle"));
    }
    if days.len() > 1 {
        labels.push((days.len() - 1, "end"));
    }
    for (index, anchor) in labels {
        let x = match anchor {
            "start" => LEFT,
            "end" => WIDTH - RIGHT,
            _ => center(index),
        };
        let _ = write!(
            svg,
            r#"<text x="{x:.1}" y="{}" text-anchor="{anchor}" fill="{SUBMITTED_COLOR}">{}</text>"#,
            BARS_TOP + BARS_HEIGHT + 20.0,
            days[index].date
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A panel's baseline, top gridline (and middle one when it is a whole number) and their
/// labels.
fn axis(svg: &mut String, top: f64, height: f64, max: i64, name: &str) {
    let bottom = top + height;
    if max >= 2 && max % 2 == 0 {
        let middle = top + height / 2.0;
        let _ = write!(
            svg,
            r#"<g aria-hidden="true"><line x1="{LEFT}" y1="{middle}" x2="{}" y2="{middle}" stroke="{GRID_COLOR}"/><text x="{}" y="{}" text-anchor="end">{}</text></g>"#,
            WIDTH - RIGHT,
            LEFT - 6.0,
            middle + 4.0,
            max / 2
        );
    }
    let _ = write!(
        svg,
        r#"<g aria-hidden="true"><line x1="{LEFT}" y1="{top}" x2="{}" y2="{top}" stroke="{GRID_COLOR}"/><line x1="{LEFT}" y1="{bottom}" x2="{}" y2="{bottom}" stroke="{SUBMITTED_COLOR}"/><text x="{}" y="{}" text-anchor="end">{max}</text><text x="{}" y="{}" text-anchor="end">0</text><text x="{LEFT}" y="{}" fill="{SUBMITTED_COLOR}">{}</text></g>"#,
        WIDTH - RIGHT,
        WIDTH - RIGHT,
        LEFT - 6.0,
        top + 4.0,
        LEFT - 6.0,
        bottom + 4.0,
        top - 8.0,
        escape(name)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(date: &str, time: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(&format!("{date} {time}"), "%Y-%m-%d %H:%M:%S")
            .expect("a valid time")
    }

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a valid date")
    }

    fn individual(created: NaiveDateTime, verified: Option<NaiveDateTime>) -> SignatureTimes {
        SignatureTimes {
            kind: SignatureKind::Individual,
            state: if verified.is_some() {
                SignatureState::Verified
            } else {
                SignatureState::Pending
            },
            created_at: created,
            verified_at: verified,
            approved_at: None,
        }
    }

    fn tally(signatures: &[SignatureTimes], until: Option<NaiveDate>) -> Progress {
        tally_with(true, signatures, until)
    }

    fn tally_with(
        organizations_need_approval: bool,
        signatures: &[SignatureTimes],
        until: Option<NaiveDate>,
    ) -> Progress {
        let mut tally = Tally::new(organizations_need_approval);
        for signature in signatures {
            tally.add(signature);
        }
        tally.finish(until)
    }

    fn sample() -> Progress {
        tally(
            &[
                individual(
                    at("2026-05-01", "09:00:00"),
                    Some(at("2026-05-01", "09:05:00")),
                ),
                individual(
                    at("2026-05-01", "23:59:59"),
                    Some(at("2026-05-03", "08:00:00")),
                ),
                individual(at("2026-05-03", "10:00:00"), None),
                SignatureTimes {
                    kind: SignatureKind::Organization,
                    state: SignatureState::Approved,
                    created_at: at("2026-05-03", "11:00:00"),
                    verified_at: Some(at("2026-05-03", "11:10:00")),
                    approved_at: Some(at("2026-05-04", "12:00:00")),
                },
                SignatureTimes {
                    kind: SignatureKind::Organization,
                    state: SignatureState::Verified,
                    created_at: at("2026-05-03", "12:00:00"),
                    verified_at: Some(at("2026-05-03", "12:10:00")),
                    approved_at: None,
                },
            ],
            None,
        )
    }

    #[test]
    fn the_chart_counts_what_the_total_counts_when_organizations_need_no_approval() {
        let confirmed_organization = SignatureTimes {
            kind: SignatureKind::Organization,
            state: SignatureState::Verified,
            created_at: at("2026-05-03", "12:00:00"),
            verified_at: Some(at("2026-05-03", "12:10:00")),
            approved_at: None,
        };
        let signatures = [
            individual(
                at("2026-05-01", "09:00:00"),
                Some(at("2026-05-01", "09:05:00")),
            ),
            confirmed_organization,
        ];
        let open = tally_with(false, &signatures, None);
        assert_eq!(open.counted(), 2);
        assert_eq!(open.days.last().map(|day| day.total_counted), Some(2));
        let reviewed = tally_with(true, &signatures, None);
        assert_eq!(reviewed.counted(), 1);
        assert_eq!(reviewed.days.last().map(|day| day.total_counted), Some(1));
    }

    #[test]
    fn signatures_are_bucketed_by_day_without_gaps() {
        let progress = sample();
        let dates: Vec<String> = progress
            .days
            .iter()
            .map(|day| day.date.to_string())
            .collect();
        assert_eq!(
            dates,
            ["2026-05-01", "2026-05-02", "2026-05-03", "2026-05-04"]
        );
        let submitted: Vec<i64> = progress.days.iter().map(|day| day.submitted).collect();
        assert_eq!(submitted, [2, 0, 3, 0]);
        let counted: Vec<i64> = progress.days.iter().map(|day| day.counted).collect();
        assert_eq!(counted, [1, 0, 1, 1], "organizations count once approved");
        let last = progress.days.last().expect("days");
        assert_eq!((last.total_submitted, last.total_counted), (5, 3));
    }

    #[test]
    fn counts_by_kind_and_state() {
        let progress = sample();
        assert_eq!(
            progress.count(SignatureKind::Individual, SignatureState::Verified),
            2
        );
        assert_eq!(
            progress.count(SignatureKind::Individual, SignatureState::Pending),
            1
        );
        assert_eq!(
            progress.count(SignatureKind::Organization, SignatureState::Verified),
            1
        );
        assert_eq!(progress.counted(), 3);
        assert_eq!(progress.submitted(), 5);
        assert_eq!((progress.individuals(), progress.organizations()), (3, 2));
        assert_eq!(progress.counts.len(), SignatureState::ALL.len());
    }

    #[test]
    fn withdrawn_and_rejected_signatures_are_submitted_but_never_counted() {
        let mut withdrawn = individual(
            at("2026-05-01", "09:00:00"),
            Some(at("2026-05-01", "10:00:00")),
        );
        withdrawn.state = SignatureState::Withdrawn;
        let progress = tally(&[withdrawn], None);
        assert_eq!(progress.days.len(), 1);
        assert_eq!(progress.days[0].submitted, 1);
        assert_eq!(progress.days[0].total_counted, 0);
    }

    #[test]
    fn the_range_runs_until_the_given_day() {
        let progress = tally(
            &[individual(at("2026-05-01", "09:00:00"), None)],
            Some(date("2026-05-05")),
        );
        assert_eq!(progress.days.len(), 5);
        assert_eq!(progress.days[4].total_submitted, 1);
        let earlier = tally(
            &[individual(at("2026-05-01", "09:00:00"), None)],
            Some(date("2026-04-01")),
        );
        assert_eq!(earlier.days.len(), 1, "never before the last signature");
    }

    #[test]
    fn no_signatures_no_days() {
        let progress = tally(&[], Some(date("2026-05-05")));
        assert!(progress.days.is_empty());
        assert_eq!(progress.submitted(), 0);
        let svg = render_svg(&progress, "chart", "Empty");
        assert!(svg.contains("No signatures yet."));
        assert!(!svg.contains("class=\"bar\""));
    }

    #[test]
    fn the_chart_has_one_bar_per_day_with_submissions() {
        let svg = render_svg(&sample(), "chart", "Letter");
        assert!(svg.starts_with("<svg"));
        assert!(svg.ends_with("</svg>"));
        assert_eq!(svg.matches("class=\"bar\"").count(), 2);
        assert!(svg.contains("<title>2026-05-01: 2 submitted, 1 counted</title>"));
        assert!(svg.contains("<title>2026-05-03: 3 submitted, 1 counted</title>"));
        assert_eq!(svg.matches("<polyline").count(), 2);
    }

    #[test]
    fn the_chart_is_named_and_described_for_screen_readers() {
        let svg = render_svg(&sample(), "progress", "Signatures over time");
        assert!(svg.contains(r#"role="img""#));
        assert!(svg.contains(r#"aria-labelledby="progress-title progress-desc""#));
        assert!(svg.contains(r#"<title id="progress-title">Signatures over time</title>"#));
        assert!(svg.contains(
            "From 1 May 2026 to 4 May 2026: 5 signatures submitted, 3 counted. Most submitted in one day: 3 on 3 May 2026."
        ));
    }

    #[test]
    fn text_in_the_chart_is_escaped() {
        let svg = render_svg(&sample(), "a\"b", "<script>alert('x')</script> & co");
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co"));
        assert!(svg.contains("a&quot;b-title"));
    }

    #[test]
    fn a_goal_is_drawn_as_a_line_within_the_chart() {
        let svg = render_svg_with_goal(&sample(), "chart", "Letter", Some(500));
        assert!(svg.contains(r#"<g class="goal""#), "{svg}");
        assert!(svg.contains("Goal: 500"));
        assert!(svg.contains("The goal is 500."));
        let without = render_svg(&sample(), "chart", "Letter");
        assert!(!without.contains("class=\"goal\""));
    }

    #[test]
    fn axis_maxima_are_round() {
        assert_eq!(nice_ceiling(0), 1);
        assert_eq!(nice_ceiling(1), 1);
        assert_eq!(nice_ceiling(3), 3);
        assert_eq!(nice_ceiling(7), 8);
        assert_eq!(nice_ceiling(9), 10);
        assert_eq!(nice_ceiling(11), 20);
        assert_eq!(nice_ceiling(212), 300);
        assert_eq!(nice_ceiling(4321), 5000);
    }
}
