//! The value parsers of the command line.

use super::*;

#[test]
fn byte_sizes_take_plain_bytes_and_binary_or_decimal_units() {
    assert_eq!(parse_byte_size("1048576"), Ok(1 << 20));
    assert_eq!(parse_byte_size("64MiB"), Ok(64 << 20));
    assert_eq!(parse_byte_size("512KiB"), Ok(512 << 10));
    assert_eq!(parse_byte_size("2MB"), Ok(2_000_000));
    for bad in [
        "",
        "0",
        "12 parsecs",
        "-1",
        "1.5MiB",
        "99999999999999999999GiB",
    ] {
        assert!(parse_byte_size(bad).is_err(), "{bad}");
    }
    assert_eq!(parse_rate("0.5"), Ok(0.5));
    for bad in ["0", "-3", "NaN", "inf", "fast", "1e-300"] {
        assert!(parse_rate(bad).is_err(), "{bad}");
    }
}

#[test]
fn huge_values_are_refused_before_they_overflow_a_clock_or_an_allocation() {
    assert_eq!(
        parse_duration("365days").unwrap(),
        Duration::from_secs(365 * 24 * 3600)
    );
    for huge in ["366days", "500000000y", "18446744073709551615s"] {
        assert_eq!(
            parse_duration(huge).unwrap_err(),
            "must be at most 365 days",
            "{huge}"
        );
    }
    assert_eq!(parse_server_count("100000"), Ok(100_000));
    for huge in ["100001", "18446744073709551615", "99999999999999999999999"] {
        assert!(parse_server_count(huge).is_err(), "{huge}");
    }
}

#[test]
fn durations_must_be_positive_humantime() {
    assert_eq!(parse_duration("90s").unwrap(), Duration::from_secs(90));
    assert!(parse_duration("5x").is_err());
    assert!(parse_duration("0s").is_err());
    let err = Cli::try_parse_from(["scaleway_exporter", "--poll.interval", "soon"]).unwrap_err();
    assert_eq!(err.kind(), clap::error::ErrorKind::ValueValidation);
}

#[test]
fn products_are_named_by_their_label_with_spaces_around_it_allowed() {
    assert_eq!(parse_product(" elastic-metal"), Ok(Product::ElasticMetal));
    assert_eq!(parse_product("dedibox"), Ok(Product::Dedibox));
    assert_eq!(
        parse_product("baremetal").unwrap_err(),
        "expected one of instance, elastic-metal, apple-silicon, dedibox"
    );
    let cli = Cli::try_parse_from([
        "scaleway_exporter",
        "--scaleway.product=instance, apple-silicon",
    ])
    .unwrap();
    assert_eq!(
        cli.exporter.api.products,
        [Product::Instance, Product::AppleSilicon]
    );
}
