-- POST the form scenario's urlencoded body (run.mjs passes it in BENCH_FORM).
wrk.method = "POST"
wrk.body = os.getenv("BENCH_FORM")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
