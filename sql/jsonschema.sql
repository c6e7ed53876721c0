-- PLACEHOLDER: jsonschema tests not written yet
SELECT 1 AS placeholder;
