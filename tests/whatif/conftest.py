def pytest_configure(config):
    config.addinivalue_line("markers", "differential: the 100,000-case comparison with the single-case evaluator (~1 min)")
