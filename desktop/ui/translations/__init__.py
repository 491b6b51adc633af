"""Interface translations: Qt Linguist ``.ts`` sources and the compiled ``.qm`` catalogues the app loads."""
