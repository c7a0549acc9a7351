# Starlette (Debian's python3-starlette), ASGI under uvicorn, one process: /plaintext and /json.
from starlette.applications import Starlette
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route


async def plaintext(request):
    return PlainTextResponse("Hello, World!")


async def json(request):
    return JSONResponse({"message": "Hello, World!"})


app = Starlette(routes=[Route("/plaintext", plaintext), Route("/json", json)])
