"""Finding people's names and officers' collar numbers in free text, from the given
names, titles and ranks in feedback/data/ and the words around them."""

import re
from dataclasses import dataclass
from functools import cache

from feedback.text.words import LETTER, SENTENCE_END, fold, fold_word, read_entries


@dataclass(frozen=True)
class _NameLists:
    given: frozenset
    words: frozenset
    titles: frozenset
    ranks: frozenset
    title_words: frozenset  # titles and ranks
    rank_prefixes: frozenset
    lower_titles: frozenset
    not_person_after: frozenset
    relations: frozenset
    person_nouns: frozenset
    not_names: frozenset
    name_places: frozenset
    place_words: frozenset
    phrases: dict  # first word: the phrases that start with it
    particles: frozenset
    stop: frozenset
    common: frozenset
    not_first_words: frozenset  # stop words and place words: a name never starts with them
    determiners: frozenset
    place_prepositions: frozenset


def _by_first_word(phrases) -> dict:
    grouped: dict[str, list] = {}
    for phrase in phrases:
        grouped.setdefault(phrase[0], []).append(phrase)
    return grouped


@cache
def _name_lists() -> _NameLists:
    context = read_entries("name_context.txt")

    def folded(*lists):
        return frozenset(fold(entry) for entries in lists for entry in entries)

    words = folded(*read_entries("names_that_are_words.txt").values())
    places = folded(context["places that are also given names"])
    stop = folded(context["stop words"])
    place_words = folded(context["place words"])
    return _NameLists(
        given=folded(*read_entries("given_names.txt").values()) | words | places,
        words=words,
        titles=folded(context["titles"]),
        ranks=folded(context["ranks"]),
        title_words=folded(context["titles"], context["ranks"]),
        rank_prefixes=folded(context["rank prefixes"]),
        lower_titles=folded(context["lower-case titles"]),
        not_person_after=folded(context["not a person after"]),
        relations=folded(context["relations"]),
        person_nouns=folded(context["person nouns"]),
        not_names=folded(context["not names"]),
        name_places=places,
        place_words=place_words,
        phrases=_by_first_word(
            tuple(fold(word) for word in phrase.split())
            for phrase in context["organisations and places"]
        ),
        particles=folded(context["particles"]),
        stop=stop,
        common=stop | folded(context["common words"]),
        not_first_words=stop | place_words,
        determiners=folded(context["determiners"]),
        place_prepositions=folded(context["place prepositions"]),
    )


_NAME_TOKEN = re.compile(rf"{LETTER}+(?:['’\-]{LETTER}+)*|\d+[^\W\d_]{{0,2}}(?!\w)")


@dataclass(slots=True)
class _Token:
    start: int
    end: int  # where the name ends: before a possessive 's
    key: str
    case: str  # "upper", "lower", or "none" for scripts without capitals
    initial: bool  # the first word of a sentence
    gap: str  # the text between the previous word and this one
    possessive: bool
    number: bool


def _name_tokens(text: str, lists: _NameLists) -> list[_Token]:
    matches = list(_NAME_TOKEN.finditer(text))
    cased = [char for char in text if char.isupper() or char.islower()]
    # In a message written all in capitals a capital says nothing about a name.
    shouting = len(cased) >= 12 and sum(char.isupper() for char in cased) > 0.7 * len(cased)
    tokens: list[_Token] = []
    previous_end = 0
    for match in matches:
        word = match.group()
        possessive = len(word) > 2 and word[-2:].lower() in ("'s", "’s")
        name = word[:-2] if possessive else word
        first = next((char for char in word if char.isupper() or char.islower()), "")
        case = "upper" if first.isupper() else "lower" if first else "none"
        if shouting and case == "upper":
            case = "lower"
        gap = text[previous_end : match.start()]
        after_abbreviation = (
            gap.strip() == "."
            and bool(tokens)
            and (tokens[-1].key in lists.title_words or tokens[-1].key in lists.not_person_after)
        )
        tokens.append(
            _Token(
                start=match.start(),
                end=match.start() + len(name),
                key=fold_word(name),
                case=case,
                initial=not tokens or (bool(SENTENCE_END.search(gap)) and not after_abbreviation),
                gap=gap,
                possessive=possessive,
                number=word[0].isdigit(),
            )
        )
        previous_end = match.end()
    return tokens


def _joined(tokens: list[_Token], index: int, lists: _NameLists) -> bool:
    """Whether a word follows the one before it within a name: only spaces between, or
    the full stop of an abbreviation such as "Insp." or "St."."""
    gap = tokens[index].gap.strip()
    return gap == "" or (gap == "." and tokens[index - 1].key in lists.title_words)


def _is_title(token: _Token, lists: _NameLists) -> bool:
    if token.possessive or token.number or token.key not in lists.title_words:
        return False
    return token.case == "upper" or token.key in lists.lower_titles


def _surname_end(tokens, start, lists, *, after_title=False, lower_case=False) -> int:
    """The index after the surname words that follow position `start`: capitalised words,
    small words such as "ul" between them, or one lower-case word after a lower-case
    title."""
    index = start
    while index < len(tokens) and index - start < 4 and _joined(tokens, index, lists):
        token = tokens[index]
        if token.number:
            break
        if (
            token.case == "upper"
            and token.key not in lists.stop
            and token.key not in lists.place_words
            and (after_title or token.key not in lists.not_names)
        ):
            index += 1
            if token.possessive:
                break
        elif (
            token.key in lists.particles
            and index + 1 < len(tokens)
            and tokens[index + 1].case == "upper"
        ):
            index += 1
        elif (
            lower_case
            and index == start
            and token.case == "lower"
            and len(token.key) >= 3
            and token.key not in lists.common
            and token.key not in lists.place_words
        ):
            return index + 1
        else:
            break
    while index > start and tokens[index - 1].key in lists.particles:
        index -= 1
    return index


def _place_follows(tokens, end, lists) -> bool:
    return (
        end < len(tokens)
        and _joined(tokens, end, lists)
        and tokens[end].case == "upper"
        and tokens[end].key in lists.place_words
    )


def _previous(tokens, index) -> _Token | None:
    """The word before, if it is in the same sentence."""
    return tokens[index - 1] if index and not tokens[index].initial else None


def _cue_before(tokens, index, lists) -> bool:
    """Whether the words before show that a name comes next: "my son Kwame", "my wife,
    Shazia", "a PCSO called Tom", "my name is Yonatan"."""
    before = _previous(tokens, index)
    if before is None or tokens[index].gap.strip() not in ("", ","):
        return False
    if before.key in lists.relations and not before.possessive:
        return True
    two_before = _previous(tokens, index - 1)
    if before.key in ("called", "named"):
        return two_before is not None and two_before.key in lists.person_nouns
    if before.key == "name" and before.possessive:
        return True
    return before.key in ("is", "was") and two_before is not None and two_before.key == "name"


def _cue_after(tokens, index, lists) -> bool:
    """Whether the words after show that a word is a name: "Amber from Victim Support",
    "Rose, my nan,", "Grace, who is 15"."""
    following = tokens[index + 1 : index + 3]
    if not following or following[0].initial:
        return False
    if following[0].gap.strip() == "":
        return following[0].key == "from"
    if following[0].gap.strip() != ",":
        return False
    if following[0].key == "who":
        return True
    return (
        len(following) == 2
        and following[0].key in ("my", "our", "his", "her", "their")
        and following[1].key in lists.relations
    )


def _single_name(tokens, index, lists) -> bool:
    """Whether a capitalised given name with no surname, title or cue before it is a
    person's name here."""
    token = tokens[index]
    before = _previous(tokens, index)
    if _cue_after(tokens, index, lists):
        return True
    if token.key in lists.not_names:
        return False
    if token.key in lists.name_places and before is not None:
        return before.key not in lists.place_prepositions
    if token.key not in lists.words:
        return True
    # A name that is also a word needs a capital in the middle of a sentence, not after
    # "the" or "an", and not inside a run of capitalised words ("The Old Bill").
    if token.initial or before is None:
        return False
    if before.key in lists.determiners or before.number:
        return False
    if before.case == "upper" and not before.initial and before.key not in lists.given:
        return False
    after = tokens[index + 1] if index + 1 < len(tokens) else None
    return not (after and after.case == "upper" and _joined(tokens, index + 1, lists))


_COLLAR_WORDS = ("collar", "shoulder", "badge", "warrant", "epaulette")
_NUMBER_WORDS = ("number", "no", "num", "is", "was", "of")


class _Found:
    """The words found so far, by index, as "name" or "collar_number"; words inside a
    known organisation or place name ("Marks and Spencer") are never a name."""

    def __init__(self, tokens, lists):
        self.kinds: dict[int, str] = {}
        self.blocked: set[int] = set()
        keys = [token.key for token in tokens]
        for index, key in enumerate(keys):
            for phrase in lists.phrases.get(key, ()):
                if tuple(keys[index : index + len(phrase)]) == phrase:
                    self.blocked.update(range(index, index + len(phrase)))

    def open(self, index) -> bool:
        return index not in self.kinds and index not in self.blocked

    def mark(self, start, end, kind="name"):
        for index in range(start, end):
            self.kinds.setdefault(index, kind)


def _two_or_more_digits(token: _Token) -> bool:
    return token.number and sum(char.isdigit() for char in token.key) >= 2


def _after_titles(tokens, lists, found) -> None:
    """Names and collar numbers after a title or rank: "Mrs Begum", "PC 1234 Smith",
    "Officer 4521", "Det Sgt Lewis", "mr hussain"."""
    for index, token in enumerate(tokens):
        if not found.open(index) or not _is_title(token, lists):
            continue
        after = index + 1
        while (
            after < len(tokens)
            and _joined(tokens, after, lists)
            and _is_title(tokens[after], lists)
        ):
            after += 1
        titles = tokens[index:after]
        if titles[-1].key in lists.rank_prefixes:
            continue
        if (
            any(title.key in lists.ranks for title in titles)
            and after < len(tokens)
            and _two_or_more_digits(tokens[after])
            and _joined(tokens, after, lists)
        ):
            found.mark(after, after + 1, "collar_number")
            after += 1
        lower_case = titles[-1].key in lists.lower_titles
        end = _surname_end(tokens, after, lists, after_title=True, lower_case=lower_case)
        if end > after and not _place_follows(tokens, end, lists):
            found.mark(after, end)


def _collar_numbers(tokens, found) -> None:
    """Numbers after "collar number", "shoulder number is", "badge number was"."""
    for index, token in enumerate(tokens):
        if token.key not in _COLLAR_WORDS:
            continue
        for after in range(index + 1, min(index + 4, len(tokens))):
            if tokens[after].initial:
                break
            if _two_or_more_digits(tokens[after]):
                found.mark(after, after + 1, "collar_number")
            if tokens[after].key not in _NUMBER_WORDS:
                break


def _after_cues(tokens, lists, found) -> None:
    """Names after words that introduce one: "my son Kwame", "a PCSO called Tom"."""
    for index, token in enumerate(tokens):
        if not found.open(index) or token.number or _is_title(token, lists):
            continue
        if not _cue_before(tokens, index, lists):
            continue
        if token.case == "upper" and token.key not in lists.not_first_words:
            end = _surname_end(tokens, index + 1, lists)
            if not _place_follows(tokens, end, lists):
                found.mark(index, end)
        elif token.case != "upper" and token.key in lists.given and token.key not in lists.common:
            found.mark(index, index + 1)


def _given_names(tokens, lists, found) -> None:
    """Given names from the lists, with any surname after them."""
    for index, token in enumerate(tokens):
        if not found.open(index) or token.key not in lists.given:
            continue
        before = _previous(tokens, index)
        if before is not None and before.key in lists.not_person_after:
            continue
        if token.case == "upper":
            end = _surname_end(tokens, index + 1, lists)
            if _place_follows(tokens, end, lists):
                continue
            if end > index + 1 or _single_name(tokens, index, lists):
                found.mark(index, end)
        elif (
            token.key not in lists.words
            and token.key not in lists.common
            and len(token.key) >= (2 if token.case == "none" else 3)
        ):
            found.mark(index, index + 1)


def _names_joined_to_names(tokens, lists, found) -> None:
    """A given name joined by "and" or a comma to a name already found is a name too,
    even one that is also a word ("Blessing and Precious", "Bill and Jack")."""
    changed = True
    while changed:
        changed = False
        for index, token in enumerate(tokens):
            if (
                not found.open(index)
                or token.case != "upper"
                or token.key not in lists.given
                or token.key in lists.not_names
            ):
                continue
            neighbours = []
            if index >= 2 and tokens[index - 1].key in ("and", "&") and not token.initial:
                neighbours.append(index - 2)
            if index >= 1 and token.gap.strip() == ",":
                neighbours.append(index - 1)
            if (
                index + 2 < len(tokens)
                and tokens[index + 1].key in ("and", "&")
                and not tokens[index + 1].initial
                and not tokens[index + 2].initial
            ):
                neighbours.append(index + 2)
            if index + 1 < len(tokens) and tokens[index + 1].gap.strip() == ",":
                neighbours.append(index + 1)
            if any(found.kinds.get(neighbour) == "name" for neighbour in neighbours):
                found.mark(index, index + 1)
                changed = True


def find_names(text: str) -> list[tuple[int, int, str]]:
    """Where people's names and officers' collar numbers are, as (start, end, kind) with
    kind "name" or "collar_number", in order.

    A name is found from a title or rank ("Mrs Begum", "PC 1234 Smith", "Chief Inspector
    Helen Clarke"), from a given name in the lists with or without a surname ("Ahmed
    Hassan", "Fatima"), from words that introduce one ("my son Kwame", "a PCSO called
    Tom") and from "and" joining it to another name ("Bill and Jack"). Titles and ranks
    themselves are kept, so "PC [name removed]" still says an officer was meant.

    Lower case: a given name from the lists is a name in lower case too ("my neighbour
    ahmed"), as people often type that way on a phone, unless it is also a word ("will",
    "mark"), when it needs a word like "my mate" before it; a lower-case title counts
    when it is an abbreviation ("mr hussain", "pc davies"). Capitalised words that are not
    in the lists and follow no title or cue are left alone, so places and organisations
    are not taken out."""
    lists = _name_lists()
    tokens = _name_tokens(text, lists)
    found = _Found(tokens, lists)
    _after_titles(tokens, lists, found)
    _collar_numbers(tokens, found)
    _after_cues(tokens, lists, found)
    _given_names(tokens, lists, found)
    _names_joined_to_names(tokens, lists, found)

    # Words found next to each other make one span; a collar number with a name is a name.
    spans: list[list] = []
    for index in sorted(found.kinds):
        token, kind = tokens[index], found.kinds[index]
        if spans and spans[-1][3] == index - 1 and token.gap.strip() in ("", "-"):
            spans[-1][1:4] = [token.end, "name" if kind == "name" else spans[-1][2], index]
        else:
            spans.append([token.start, token.end, kind, index])
    return [(start, end, kind) for start, end, kind, _index in spans]
