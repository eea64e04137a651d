INSERT INTO locations
SELECT nct_id, version, i, x.facility, x.status, x.city, x.state, x.zip, x.country, x.geoPoint.lat, x.geoPoint.lon
FROM (
    SELECT nct_id, version, unnest(l) AS x, generate_subscripts(l, 1) AS i
    FROM (SELECT nct_id, version, contacts_module.locations AS l FROM normalize_batch)
)
