from django.core.management.base import BaseCommand

from jiceng.demo.services import demo_load


class Command(BaseCommand):
    help = "载入示范区（真实区划代码，合成的居民）；重复执行无害"

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **opts):
        logins = demo_load(progress=not opts["no_progress"])
        self.stdout.write("示范区已就绪。演示账号（角色 / 登录名 / 密码）：")
        for role, login, password in logins:
            self.stdout.write(f"  {role:<8} {login:<24} {password}")
