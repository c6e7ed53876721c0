-- PLACEHOLDER: create_workshop tests not written yet
SELECT 1 AS placeholder;
