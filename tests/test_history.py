"""lecturekit.history: the ILSVRC table is consistent and the chart highlights deep networks."""

from lecturekit import history


def test_table_is_consistent():
    years = [entry.year for entry in history.ILSVRC_TOP5]
    assert years == sorted(years)
    for entry in history.ILSVRC_TOP5:
        assert entry.source in history.SOURCES
        assert 0 < entry.top5_error < 30
        assert entry.deep == (entry.year >= 2012)
    assert history.HUMAN_SOURCE in history.SOURCES
    assert len({entry.name for entry in history.ILSVRC_TOP5}) == len(history.ILSVRC_TOP5)


def test_the_error_falls_from_year_to_year():
    # The story the chart tells: every year's entries beat every entry of the years before.
    years = sorted({entry.year for entry in history.ILSVRC_TOP5})
    for earlier, later in zip(years, years[1:]):
        best_before = min(e.top5_error for e in history.ILSVRC_TOP5 if e.year <= earlier)
        worst_now = max(e.top5_error for e in history.ILSVRC_TOP5 if e.year == later)
        assert worst_now < best_before, (earlier, later)


def test_chart_has_one_bar_per_entry_and_highlights_deep_ones():
    fig = history.plot_ilsvrc()
    ax = fig.axes[0]
    bars = ax.patches
    assert len(bars) == len(history.ILSVRC_TOP5)
    for bar, entry in zip(bars, history.ILSVRC_TOP5):
        assert bar.get_height() == entry.top5_error
        expected = history.DEEP_COLOR if entry.deep else history.CLASSIC_COLOR
        assert bar.get_facecolor()[:3] == tuple(int(expected[i:i + 2], 16) / 255 for i in (1, 3, 5))
    assert any(line.get_ydata()[0] == history.HUMAN_TOP5 for line in ax.get_lines())


def test_the_notes_name_the_ensembles_behind_the_best_results():
    # Lecture 5 says the entries below 5% are ensembles of residual networks, not one plain CNN.
    for entry in history.ILSVRC_TOP5:
        if entry.top5_error < history.HUMAN_TOP5:
            assert "ensemble" in entry.note or "nets" in entry.note, entry
    assert "residual" in next(e for e in history.ILSVRC_TOP5 if e.name == "ResNet").note
    assert "batch normalisation" in history.__doc__


def test_the_table_printed_on_the_slide_fits_a_line():
    # Lecture 5 prints one line per entry; a slide's output shows about 92 characters.
    for entry in history.ILSVRC_TOP5:
        line = f"{entry.year} {entry.name:<15}{entry.top5_error:>5}% [{entry.source}] ({entry.note})"
        assert len(line) <= 92, line
