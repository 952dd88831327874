"""The benchmarks serve no HTTP pages."""

urlpatterns: list = []
