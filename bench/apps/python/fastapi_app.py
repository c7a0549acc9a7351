# FastAPI (Debian's python3-fastapi), ASGI under uvicorn, one process: /plaintext and /json,
# with a response model as FastAPI users write it.
from fastapi import FastAPI
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel

app = FastAPI()


class Message(BaseModel):
    message: str


@app.get("/plaintext", response_class=PlainTextResponse)
async def plaintext():
    return "Hello, World!"


@app.get("/json", response_model=Message)
async def json():
    return {"message": "Hello, World!"}
