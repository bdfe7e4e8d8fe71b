-- POST a 10 MiB body on every request (the upload scenario).
wrk.method = "POST"
wrk.body = string.rep("0123456789abcdef", 10 * 1024 * 1024 / 16)
wrk.headers["Content-Type"] = "application/octet-stream"
