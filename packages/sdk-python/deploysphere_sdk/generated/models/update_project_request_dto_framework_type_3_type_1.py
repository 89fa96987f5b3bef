from enum import StrEnum

class UpdateProjectRequestDtoFrameworkType3Type1(StrEnum):
    ASTRO = "astro"
    CREATE_REACT_APP = "create-react-app"
    GATSBY = "gatsby"
    NEXTJS = "nextjs"
    OTHER = "other"
    STATIC = "static"
    SVELTEKIT = "sveltekit"
    VITE = "vite"

    def __str__(self) -> str:
        return str(self.value)
