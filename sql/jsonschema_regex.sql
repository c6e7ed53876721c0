-- PLACEHOLDER: jsonschema_regex tests not written yet
SELECT 1 AS placeholder;
