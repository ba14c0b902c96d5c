//! Versions: the one a change needs after a release (`cargo xtask release` writes it).

use semver::Version;

use super::compat::Class;

/// The version after `version` for a change of `class`: the patch for a compatible change and
/// the minor for a breaking one while the major is 0, else the minor and the major.
pub fn next(version: &Version, class: Class) -> Version {
    match (version.major, class) {
        (0, Class::Compatible) => Version::new(0, version.minor, version.patch + 1),
        (0, Class::Breaking) => Version::new(0, version.minor + 1, 0),
        (major, Class::Compatible) => Version::new(major, version.minor + 1, 0),
        (major, Class::Breaking) => Version::new(major + 1, 0, 0),
    }
}

#[cfg(test)]
mod tests {
    use semver::Version;

    use super::{Class, next};

    #[test]
    fn versions_follow_semver() {
        let next =
            |version: &str, class| next(&Version::parse(version).unwrap(), class).to_string();
        assert_eq!(next("0.1.0", Class::Compatible), "0.1.1");
        assert_eq!(next("0.1.3", Class::Breaking), "0.2.0");
        assert_eq!(next("1.4.2", Class::Compatible), "1.5.0");
        assert_eq!(next("1.4.2", Class::Breaking), "2.0.0");
    }
}
