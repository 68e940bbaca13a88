//! `YYYY-MM-DD`, the date format brief reads and writes itself (front-matter
//! dates, the fallback when a locale has no `date-format`), as a `time`
//! format description.

use time::format_description::BorrowedFormatItem;

/// `[year]-[month]-[day]`: zero-padded, four-digit year.
pub const YMD: &[BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

/// `date` as `YYYY-MM-DD`.
pub fn ymd(date: time::Date) -> String {
    date.format(YMD)
        .expect("a date has a year, a month and a day")
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn zero_padded() {
        assert_eq!(ymd(date!(2025 - 07 - 08)), "2025-07-08");
        assert_eq!(ymd(date!(0987 - 12 - 31)), "0987-12-31");
        assert_eq!(
            time::Date::parse("2025-07-08", YMD),
            Ok(date!(2025 - 07 - 08))
        );
        assert!(time::Date::parse("2025-7-8", YMD).is_err());
        // A year before 1 keeps four digits after its sign, so it reads back.
        let bc = time::Date::parse("-0005-01-01", YMD).unwrap();
        assert_eq!(ymd(bc), "-0005-01-01");
    }
}
