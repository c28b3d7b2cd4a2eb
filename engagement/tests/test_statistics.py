from engagement.statistics import suppress


def shown(table):
    return {cell.label: cell.count for cell in table.cells}


def test_counts_at_or_above_the_threshold_are_shown():
    table = suppress({"A": 12, "B": 30}, total=42, threshold=10)
    assert shown(table) == {"A": 12, "B": 30}
    assert table.total == 42


def test_a_small_count_is_hidden_and_so_is_the_next_smallest():
    table = suppress({"A": 4, "B": 15, "C": 40}, total=59, threshold=10)
    assert shown(table) == {"A": None, "B": None, "C": 40}
    # The hidden cell cannot be worked out: 59 - 40 = 19 could be split any way.
    assert table.total == 59


def test_two_small_counts_need_no_extra_hiding():
    table = suppress({"A": 3, "B": 5, "C": 40}, total=48, threshold=10)
    assert shown(table) == {"A": None, "B": None, "C": 40}


def test_a_small_total_hides_the_whole_table():
    table = suppress({"A": 3, "B": 5}, total=8, threshold=10)
    assert shown(table) == {"A": None, "B": None}
    assert table.total is None


def test_zero_is_suppressed_like_any_small_number():
    table = suppress({"A": 0, "B": 20, "C": 25}, total=45, threshold=10)
    assert shown(table) == {"A": None, "B": None, "C": 25}


def test_the_threshold_comes_from_settings(settings):
    settings.SUPPRESSION_THRESHOLD = 5
    table = suppress({"A": 6, "B": 7}, total=13)
    assert shown(table) == {"A": 6, "B": 7}
    assert table.suppressed_label == "fewer than 5"
