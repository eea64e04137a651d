INSERT INTO location_contacts
SELECT nct_id, version, location_ordinal, i, x.name, x.role, x.phone, x.phoneExt, x.email
FROM (
    SELECT nct_id, version, location_ordinal, unnest(contacts) AS x, generate_subscripts(contacts, 1) AS i
    FROM (
        SELECT nct_id, version, unnest(l).contacts AS contacts, generate_subscripts(l, 1) AS location_ordinal
        FROM (SELECT nct_id, version, contacts_module.locations AS l FROM normalize_batch)
    )
)
