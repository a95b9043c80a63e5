//! The per-scrape limits on label sets (`label_limit`,
//! `label_name_length_limit`, `label_value_length_limit`): a scrape with a
//! series over a limit fails as a whole, as in Prometheus, so that a
//! target that suddenly explodes shows as down instead of flooding the
//! pipeline.

use super::error::ScrapeError;
use river_runtime::series::Sample;

#[derive(Debug, Clone, Copy, Default)]
pub struct LabelLimits {
    /// 0 means no limit, for each.
    pub count: usize,
    pub name_length: usize,
    pub value_length: usize,
}

impl LabelLimits {
    fn any(&self) -> bool {
        self.count > 0 || self.name_length > 0 || self.value_length > 0
    }

    /// The first series over a limit, described.
    pub fn check(&self, samples: &[Sample]) -> Result<(), ScrapeError> {
        if !self.any() {
            return Ok(());
        }
        samples.iter().try_for_each(|sample| self.check_one(sample)).map_err(ScrapeError::Limit)
    }

    fn check_one(&self, sample: &Sample) -> Result<(), String> {
        let labels = &sample.labels;
        let metric = labels.get("__name__").unwrap_or_default();
        let count = labels.iter().count();
        if self.count > 0 && count > self.count {
            return Err(format!(
                "label_limit exceeded: {metric} has {count} labels, the limit is {}",
                self.count
            ));
        }
        for (name, value) in labels.iter() {
            if self.name_length > 0 && name.len() > self.name_length {
                return Err(format!(
                    "label_name_length_limit exceeded: {metric} has a label name of {} bytes ({name:?}), the limit is {}",
                    name.len(),
                    self.name_length
                ));
            }
            if self.value_length > 0 && value.len() > self.value_length {
                return Err(format!(
                    "label_value_length_limit exceeded: {metric} has a value of {} bytes for {name}, the limit is {}",
                    value.len(),
                    self.value_length
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use river_runtime::labels::Labels;

    fn sample(pairs: &[(&str, &str)]) -> Sample {
        Sample::float(Labels::from_pairs(pairs.iter().copied()), 0, 1.0)
    }

    #[test]
    fn each_limit_fails_the_scrape_with_the_series_named() {
        let s = [sample(&[("__name__", "m"), ("job", "j"), ("long_name", "abcdef")])];
        let ok = LabelLimits { count: 3, name_length: 9, value_length: 6 };
        assert_eq!(ok.check(&s), Ok(()));
        let count = LabelLimits { count: 2, ..ok }.check(&s).unwrap_err();
        assert_eq!(count.to_string(), "label_limit exceeded: m has 3 labels, the limit is 2");
        let name = LabelLimits { name_length: 8, ..ok }.check(&s).unwrap_err().to_string();
        assert!(name.starts_with("label_name_length_limit exceeded: m "), "{name}");
        let value = LabelLimits { value_length: 5, ..ok }.check(&s).unwrap_err().to_string();
        assert!(value.contains("6 bytes for long_name, the limit is 5"), "{value}");
        assert_eq!(LabelLimits::default().check(&s), Ok(()));
    }
}
