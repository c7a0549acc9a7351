# Django REST framework, idiomatically: a ModelSerializer, ListAPIView and RetrieveAPIView over
# bench_members, with page-number pagination answering saker/crud's envelope; and TechEmpower's
# /json (an APIView) and /plaintext (a plain Django view). Debian's packages
# (python3-djangorestframework, python3-psycopg2) under gunicorn, one sync worker.
# Served by: gunicorn --chdir bench/apps/drf -w 1 -b 127.0.0.1:$PORT app:application
from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-only",
    ALLOWED_HOSTS=["127.0.0.1"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "rest_framework"],
    # CommonMiddleware, as in every Django project, sets Content-Length.
    MIDDLEWARE=["django.middleware.common.CommonMiddleware"],
    DATABASES={
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": "test",
            "USER": "postgres",
            "HOST": "127.0.0.1",
            "PORT": "5432",
            "CONN_MAX_AGE": None,  # one persistent connection, as a production setup would keep
        }
    },
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


class Json(APIView):
    def get(self, request):
        return Response({"message": "Hello, World!"})


def plaintext(request):
    return HttpResponse("Hello, World!", content_type="text/plain")


urlpatterns = [
    path("json", Json.as_view()),
    path("plaintext", plaintext),
    path("api/v1/members", MemberList.as_view()),
    path("api/v1/members/<int:pk>", MemberDetail.as_view()),
]

application = get_wsgi_application()
