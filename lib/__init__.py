"""Code with no domain and no models, shared by every app: the API's base classes (`lib.api`),
spreadsheets (`lib.sheets`), the vetted HTTP client (`lib.http`) and small row and history
helpers. Apps import `lib`; `lib` imports no app."""
