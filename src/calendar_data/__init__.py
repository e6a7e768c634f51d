"""The streaming release calendar's library: catalog schema, loading, filters, views, exports."""

import os

# Arrow's allocator (mimalloc) gives freed memory back to the system 10 ms after it is freed, so
# each step of a load had the kernel fault in afresh what the step before had just freed: at
# 1M rows, 30% of a load was system time. Kept a second, it is reused; what a load or a view
# leaves is still released at its end (Arrow's release_unused). Read as pyarrow loads: here.
os.environ.setdefault("MIMALLOC_PURGE_DELAY", "1000")
