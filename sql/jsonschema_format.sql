-- PLACEHOLDER: jsonschema_format tests not written yet
SELECT 1 AS placeholder;
