with source as (select * from {{ source('refresh', 'file_manifest') }})
select path, sha256, source, rows_read, rows_loaded, rows_rejected, status, message, loaded_at from source
