# Django REST framework, idiomatically: a ModelSerializer, ListAPIView and RetrieveAPIView over
# bench_members, with page-number pagination answering saker/crud's envelope; and TechEmpower's
# /json (an APIView), /plaintext (a plain Django view) and database tests on the ORM: /db, /queries,
# /updates (one UPDATE, by bulk_update) and /cached-queries (functools.lru_cache) as APIViews with a
# World ModelSerializer, /fortunes a Django view rendering a Django template (from the locmem
# loader: this app is one file). Debian's packages
# (python3-djangorestframework, python3-psycopg2) under gunicorn, one sync worker.
# Served by: gunicorn --chdir bench/apps/drf -w 1 -b 127.0.0.1:$PORT app:application
import functools
import os
import random
from urllib.parse import urlsplit

from django.conf import settings

try:
    import psycopg2  # noqa: F401 (the ORM's driver)
except ImportError:  # the bench runs only /plaintext and /json then, without a database
    psycopg2 = None

DATABASES = {}  # without psycopg2, none (Django's dummy backend)
if psycopg2 is not None:
    url = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test"))
    DATABASES["default"] = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": url.path[1:],
        "USER": url.username,
        "PASSWORD": url.password or "",
        "HOST": url.hostname,
        "PORT": url.port or 5432,
        "CONN_MAX_AGE": None,  # one persistent connection, as a production setup would keep
    }

FORTUNES = (
    "<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table>"
    "<tr><th>id</th><th>message</th></tr>"
    "{% for fortune in fortunes %}"
    "<tr><td>{{ fortune.id }}</td><td>{{ fortune.message }}</td></tr>"
    "{% endfor %}"
    "</table></body></html>"
)

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-only",
    ALLOWED_HOSTS=["127.0.0.1"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "rest_framework"],
    # CommonMiddleware, as in every Django project, sets Content-Length.
    MIDDLEWARE=["django.middleware.common.CommonMiddleware"],
    DATABASES=DATABASES,
    TEMPLATES=[
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {"loaders": [("django.template.loaders.locmem.Loader", {"fortunes.html": FORTUNES})]},
        }
    ],
    REST_FRAMEWORK={
        "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
        "DEFAULT_AUTHENTICATION_CLASSES": [],
        "DEFAULT_PERMISSION_CLASSES": [],
        "UNAUTHENTICATED_USER": None,
    },
    USE_TZ=True,
)

import django  # noqa: E402

django.setup()

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import models  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.shortcuts import render  # noqa: E402
from django.urls import path  # noqa: E402
from rest_framework import generics, serializers  # noqa: E402
from rest_framework.pagination import PageNumberPagination  # noqa: E402
from rest_framework.response import Response  # noqa: E402
from rest_framework.views import APIView  # noqa: E402


class Member(models.Model):
    first_name = models.TextField()
    last_name = models.TextField()
    email = models.TextField(unique=True)

    class Meta:
        app_label = "rest_framework"  # an installed app: this file is not one
        db_table = "bench_members"
        managed = False


class MemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = Member
        fields = ["id", "first_name", "last_name", "email"]


class Pages(PageNumberPagination):
    page_size = 10
    page_size_query_param = "results_per_page"
    max_page_size = 100

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response(
            {
                "num_results": paginator.count,
                "page": self.page.number,
                "total_pages": paginator.num_pages,
                "objects": data,
            }
        )


class MemberList(generics.ListAPIView):
    queryset = Member.objects.order_by("id")
    serializer_class = MemberSerializer
    pagination_class = Pages


class MemberDetail(generics.RetrieveAPIView):
    queryset = Member.objects.all()
    serializer_class = MemberSerializer


class World(models.Model):
    randomNumber = models.IntegerField(db_column="randomnumber")

    class Meta:
        app_label = "rest_framework"
        db_table = "world"
        managed = False


class Fortune(models.Model):
    message = models.CharField(max_length=2048)

    class Meta:
        app_label = "rest_framework"
        db_table = "fortune"
        managed = False


class WorldSerializer(serializers.ModelSerializer):
    class Meta:
        model = World
        fields = ["id", "randomNumber"]


def clamp(request, name):
    """The ?name= count from 1 to 500; missing, empty, 0 or not a number gives 1."""
    try:
        return min(max(int(request.query_params.get(name, "")), 1), 500)
    except ValueError:
        return 1


def random_world():
    return World.objects.get(id=random.randint(1, 10000))


@functools.lru_cache(maxsize=10000)
def cached_world(id):
    return World.objects.get(id=id)


class Db(APIView):
    def get(self, request):
        return Response(WorldSerializer(random_world()).data)


class Queries(APIView):
    def get(self, request):
        worlds = [random_world() for _ in range(clamp(request, "queries"))]
        return Response(WorldSerializer(worlds, many=True).data)


class Updates(APIView):
    def get(self, request):
        ids = sorted(random.sample(range(1, 10001), clamp(request, "queries")))
        worlds = [World.objects.get(id=id) for id in ids]  # distinct ids, in lock order
        for world in worlds:
            world.randomNumber = random.randint(1, 10000)
        World.objects.bulk_update(worlds, ["randomNumber"])  # one UPDATE for all the rows
        return Response(WorldSerializer(worlds, many=True).data)


class CachedQueries(APIView):
    def get(self, request):
        worlds = [cached_world(random.randint(1, 10000)) for _ in range(clamp(request, "count"))]
        return Response(WorldSerializer(worlds, many=True).data)


def fortunes(request):
    fortunes = list(Fortune.objects.all())
    fortunes.append(Fortune(id=0, message="Additional fortune added at request time."))
    fortunes.sort(key=lambda fortune: fortune.message)
    return render(request, "fortunes.html", {"fortunes": fortunes})


class Json(APIView):
    def get(self, request):
        return Response({"message": "Hello, World!"})


def plaintext(request):
    return HttpResponse("Hello, World!", content_type="text/plain")


urlpatterns = [path("json", Json.as_view()), path("plaintext", plaintext)]
if psycopg2 is not None:
    urlpatterns += [
        path("db", Db.as_view()),
        path("queries", Queries.as_view()),
        path("fortunes", fortunes),
        path("updates", Updates.as_view()),
        path("cached-queries", CachedQueries.as_view()),
        path("api/v1/members", MemberList.as_view()),
        path("api/v1/members/<int:pk>", MemberDetail.as_view()),
    ]

application = get_wsgi_application()
