//! Math expressions (`end_time_unix_nano - start_time_unix_nano`) with
//! the collector's rules: ints with ints, floats with floats (no mixing),
//! and times with durations.

use river_ottl::ast::MathOp;

use super::value::Val;

/// `x op y`.
pub fn math(x: Val, op: MathOp, y: Val) -> Result<Val, String> {
    match (x, y) {
        (Val::Int(a), Val::Int(b)) => ints(a, b, op).map(Val::Int),
        (Val::Int(_), y) => Err(format!("{} must be int64", y.shown())),
        (Val::Float(a), Val::Float(b)) => floats(a, b, op).map(Val::Float),
        (Val::Float(_), y) => Err(format!("{} must be float64", y.shown())),
        (Val::Time(t), y) => time(t, op, y),
        (Val::Duration(d), y) => duration(d, op, y),
        (x, _) => Err(format!("{} must be int64, float64, time.Time or time.Duration", x.shown())),
    }
}

/// Go's integer arithmetic: wrapping, division truncating.
fn ints(a: i64, b: i64, op: MathOp) -> Result<i64, String> {
    Ok(match op {
        MathOp::Add => a.wrapping_add(b),
        MathOp::Sub => a.wrapping_sub(b),
        MathOp::Mul => a.wrapping_mul(b),
        MathOp::Div if b == 0 => return Err("attempted to divide by 0".into()),
        MathOp::Div => a.wrapping_div(b),
    })
}

fn floats(a: f64, b: f64, op: MathOp) -> Result<f64, String> {
    Ok(match op {
        MathOp::Add => a + b,
        MathOp::Sub => a - b,
        MathOp::Mul => a * b,
        MathOp::Div if b == 0.0 => return Err("attempted to divide by 0".into()),
        MathOp::Div => a / b,
    })
}

const TIME_ONLY: &str = "only addition and subtraction supported for time.Time and time.Duration";

fn time(t: jiff::Timestamp, op: MathOp, y: Val) -> Result<Val, String> {
    match (op, y) {
        (MathOp::Add, Val::Duration(d)) => shift(t, d),
        (MathOp::Add, y) => {
            Err(format!("time.Time must be added to time.Duration; found {} instead", y.shown()))
        }
        (MathOp::Sub, Val::Time(u)) => {
            Ok(Val::Duration(saturate(t.as_nanosecond() - u.as_nanosecond())))
        }
        (MathOp::Sub, Val::Duration(d)) => shift(t, d.saturating_neg()),
        (MathOp::Sub, y) => Err(format!(
            "time.Time or time.Duration must be subtracted from time.Time; found {} instead",
            y.shown()
        )),
        _ => Err(TIME_ONLY.into()),
    }
}

fn duration(d: i64, op: MathOp, y: Val) -> Result<Val, String> {
    match (op, y) {
        (MathOp::Add, Val::Duration(e)) => Ok(Val::Duration(d.wrapping_add(e))),
        (MathOp::Add, Val::Time(t)) => shift(t, d),
        (MathOp::Add, y) => Err(format!(
            "time.Duration must be added to time.Duration or time.Time; found {} instead",
            y.shown()
        )),
        (MathOp::Sub, Val::Duration(e)) => Ok(Val::Duration(d.wrapping_sub(e))),
        (MathOp::Sub, y) => Err(format!(
            "time.Duration must be subtracted from time.Duration; found {} instead",
            y.shown()
        )),
        _ => Err(TIME_ONLY.into()),
    }
}

/// `t` moved by `d` nanoseconds.
pub fn shift(t: jiff::Timestamp, d: i64) -> Result<Val, String> {
    jiff::Timestamp::from_nanosecond(t.as_nanosecond() + i128::from(d))
        .map(Val::Time)
        .map_err(|e| format!("time out of range: {e}"))
}

/// Go's `Time.Sub`: the difference, saturated to a duration's range.
fn saturate(nanos: i128) -> i64 {
    nanos.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ints_and_floats_do_not_mix() {
        assert_eq!(math(Val::Int(7), MathOp::Div, Val::Int(2)), Ok(Val::Int(3)));
        assert_eq!(math(Val::Float(1.5), MathOp::Mul, Val::Float(2.0)), Ok(Val::Float(3.0)));
        assert_eq!(
            math(Val::Int(1), MathOp::Add, Val::Float(2.0)),
            Err("2 must be int64".to_owned())
        );
        assert!(math(Val::Int(1), MathOp::Div, Val::Int(0)).is_err());
        assert!(math(Val::Str("a".into()), MathOp::Add, Val::Str("b".into())).is_err());
    }

    #[test]
    fn times_take_durations() {
        let t = jiff::Timestamp::from_second(100).unwrap();
        let later = math(Val::Time(t), MathOp::Add, Val::Duration(1_000_000_000)).unwrap();
        assert_eq!(later, Val::Time(jiff::Timestamp::from_second(101).unwrap()));
        assert_eq!(math(later, MathOp::Sub, Val::Time(t)), Ok(Val::Duration(1_000_000_000)));
        assert!(math(Val::Time(t), MathOp::Mul, Val::Duration(1)).is_err());
        assert_eq!(math(Val::Duration(5), MathOp::Sub, Val::Duration(2)), Ok(Val::Duration(3)));
    }
}
