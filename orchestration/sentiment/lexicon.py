"""The default scorer: the Pattern sentiment lexicons for English, French and German.

The lexicons (adjectives and adverbs with polarity, subjectivity and intensity, from the CLiPS
Pattern project) ship inside the PyPI packages ``textblob`` (English), ``textblob-fr`` and
``textblob-de``; TextBlob's implementation of Pattern's method scores with them: the mean
polarity of the known words, an intensifier ("very good") multiplying the next word and a
negation ("not good", "pas bon", "nicht gut") flipping it. Nothing is downloaded at run time.

Comments mix languages, so each sentence is scored with the lexicon of its own language,
recognised by its function words (articles, pronouns, auxiliaries), and the comment's score is
the mean over all the judged words of its sentences.
"""

from __future__ import annotations

import importlib.util
import re
from functools import cache
from pathlib import Path

from textblob._text import Sentiment

_LEXICONS: dict[str, tuple[str, str]] = {
    "en": ("textblob", "en/en-sentiment.xml"),
    "fr": ("textblob_fr", "fr-sentiment.xml"),
    "de": ("textblob_de", "data/de-sentiment.xml"),
}
_NEGATIONS: dict[str, tuple[str, ...]] = {
    "en": ("no", "not", "n't", "never", "nothing", "nobody"),
    "fr": ("pas", "jamais", "non", "rien", "aucun", "aucune", "sans"),
    "de": ("nicht", "kein", "keine", "keinen", "keiner", "nie", "niemals", "ohne", "nichts"),
}


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": _word_set(
        "the a an and or but is was were are be been it this that i you we they my our your "
        "very not no with for of to in on at so too have has had did does do can could would "
        "will just really all me"
    ),
    "fr": _word_set(
        "le la les un une des et ou mais est était sont été ce cette je tu nous vous ils elles "
        "mon ma mes notre votre très pas ne avec pour de du au aux dans sur trop ai a avait "
        "fait peut vraiment tout tous rien c'est j'ai n'est qu'il il elle on"
    ),
    "de": _word_set(
        "der die das ein eine einen und oder aber ist war waren sind sein es dies ich du wir "
        "ihr sie mein meine unser euer sehr nicht kein keine mit für von zu im in auf bei zu "
        "habe hat hatte wurde wird kann konnte wirklich alles man nach"
    ),
}
_INFLECTIONS: dict[str, tuple[str, ...]] = {
    # Adjective endings tried, longest first, for a word the lexicon does not hold as it is.
    "en": (),
    "fr": ("es", "s", "e"),
    "de": ("em", "en", "er", "es", "e"),
}
_NEGATION_FILLERS: dict[str, frozenset[str]] = {
    # Words that strengthen a negation without ending it ("not at all good", "pas du tout utile").
    "en": frozenset(("at", "all")),
    "fr": frozenset(("du", "tout")),
    "de": frozenset(("überhaupt", "gar")),
}
_SENTENCE_END = re.compile(r"[.!?;:\n]+")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)


def _lexicon_path(package: str, relative: str) -> Path:
    """A data file of an installed package, found without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the sentiment lexicon package {package} is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / relative
    if not path.is_file():
        raise RuntimeError(f"the sentiment lexicon {path} is missing from {package}")
    return path


@cache
def _lexicon(language: str) -> Sentiment:
    package, relative = _LEXICONS[language]
    lexicon = Sentiment(
        path=str(_lexicon_path(package, relative)),
        language=language,
        negations=_NEGATIONS[language],
        modifiers=("RB",),
        modifier=lambda word: False,
    )
    lexicon.load()
    return lexicon


def _words(text: str) -> list[str]:
    """Lower-case words; French elisions (n'est, j'ai, c'était) split into their two words."""
    words = []
    for token in _WORD.findall(text.lower().replace("’", "'")):
        head, apostrophe, tail = token.partition("'")
        if apostrophe and len(head) <= 2 and tail:
            words.extend((head + "'", tail))
        else:
            words.append(token)
    return words


def language_of(words: list[str], default: str = "en") -> str:
    """The language whose function words the sentence uses most; else the one whose lexicon
    knows most of its words; ``default`` when neither tells."""
    for known in (lambda lang, w: w in _FUNCTION_WORDS[lang], lambda lang, w: _lemma(w, lang) in _lexicon(lang)):
        hits = {lang: sum(1 for w in words if known(lang, w)) for lang in _LEXICONS}
        best = max(hits.values())
        if best and list(hits.values()).count(best) == 1:
            return max(hits, key=hits.__getitem__)
    return default


def _lemma(word: str, language: str) -> str:
    """The word as the language's lexicon holds it: as it is, or without an adjective ending."""
    lexicon = _lexicon(language)
    if word in lexicon:
        return word
    for ending in _INFLECTIONS[language]:
        stem = word[: -len(ending)]
        if word.endswith(ending) and len(stem) > 2 and stem in lexicon:
            return stem
    return word


def _lemmas(words: list[str], language: str) -> list[str]:
    """Inflected adjectives brought back to the lexicon's form ("gute" -> "gut"); fillers after a
    negation left out, so that the negation reaches the word it negates."""
    out: list[str] = []
    negated = False
    for word in words:
        if negated and word in _NEGATION_FILLERS[language]:
            continue
        word = _lemma(word, language)
        negated = word in _NEGATIONS[language]
        out.append(word)
    return out


class PatternLexiconScorer:
    """Mean polarity of the Pattern lexicon words of a comment, sentence by sentence in its language."""

    name = "pattern-lexicon-en-fr-de/1"

    def score(self, text: str | None) -> float | None:
        if text is None or not text.strip():
            return None
        sentences = [_words(s) for s in _SENTENCE_END.split(text)]
        sentences = [s for s in sentences if s]
        whole = language_of([w for s in sentences for w in s])
        polarities: list[float] = []
        for words in sentences:
            language = language_of(words, default=whole)
            lexicon = _lexicon(language)
            lemmas = _lemmas(words, language)
            polarities.extend(a[1] for a in lexicon.assessments(((w, None) for w in lemmas), negation=True))
        if not polarities:
            return 0.0
        value = sum(polarities) / len(polarities)
        return round(max(-1.0, min(1.0, value)), 4)
