INSERT INTO central_contacts
SELECT nct_id, version, i, x.name, x.role, x.phone, x.phoneExt, x.email
FROM (
    SELECT nct_id, version, unnest(l) AS x, generate_subscripts(l, 1) AS i
    FROM (SELECT nct_id, version, contacts_module.centralContacts AS l FROM normalize_batch)
)
