#!/usr/bin/env python3
"""Writes small MaxMind databases for stage.geoip's tests, shaped as
GeoIP2/GeoLite2 City, Country and ASN ones, into the directory given:
city.mmdb, country.mmdb and asn.mmdb. Made up at test time (nothing
downloaded is committed) with PyPI's mmdb-writer (tests/run installs it).

    python3 geoip_db.py DIR
"""

import sys

try:
    from mmdb_writer import MMDBWriter
    from netaddr import IPSet
except ImportError:
    sys.exit("geoip_db.py needs mmdb-writer: python3 -m pip install mmdb-writer")

CITY = {
    "city": {"geoname_id": 2643743, "names": {"en": "London", "de": "London"}},
    "continent": {"code": "EU", "geoname_id": 6255148, "names": {"en": "Europe"}},
    "country": {"geoname_id": 2635167, "iso_code": "GB", "names": {"en": "United Kingdom"}},
    "location": {
        "accuracy_radius": 10,
        "latitude": 51.5142,
        "longitude": -0.0931,
        "time_zone": "Europe/London",
    },
    "postal": {"code": "EC2V"},
    "subdivisions": [
        {"geoname_id": 6269131, "iso_code": "ENG", "names": {"en": "England"}},
        {"geoname_id": 3333218, "iso_code": "WND", "names": {"en": "City of Westminster"}},
    ],
}

COUNTRY = {key: CITY[key] for key in ("continent", "country")}

ASN = {"autonomous_system_number": 1221, "autonomous_system_organization": "Telstra Pty Ltd"}


def write(path, database_type, record, network):
    writer = MMDBWriter(
        ip_version=6,
        ipv4_compatible=True,
        database_type=database_type,
        languages=["en"],
        description={"en": "stage.geoip test data"},
    )
    writer.insert_network(IPSet([network]), record)
    writer.to_db_file(path)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    write(f"{out}/city.mmdb", "GeoIP2-City", CITY, "81.2.69.0/24")
    write(f"{out}/country.mmdb", "GeoIP2-Country", COUNTRY, "81.2.69.0/24")
    write(f"{out}/asn.mmdb", "GeoLite2-ASN", ASN, "1.128.0.0/11")


if __name__ == "__main__":
    main()
