"""Study tools built on the knowledge base and the referral maps: the offline atlas, the quiz, Anki decks."""
