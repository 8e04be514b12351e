"""Synthetic identities for the demo data: credit codes, ID numbers and names with valid check digits, nobody real."""

from __future__ import annotations

import datetime as dt
import random

from stdnum.cn import ric, uscc

JIANGYIN = "320281"
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈任姚卢姜"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红文斌波辉鹏飞宇浩凯健俊峰晨阳琳雪梅婷玉兰萍"


def credit_code(rng: random.Random, region: str) -> str:
    """A valid-looking USCC: 91 (enterprise), region, an organisation code with its GB 11714 check, check digit."""
    body = "MA" + "".join(rng.choice(USCC_ALPHABET[:10] + "ABCDEFGHJKLMNPQRTUWXY") for _ in range(6))
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body, weights, strict=True))
    check = 11 - total % 11
    org_code = body + ("X" if check == 10 else "0" if check == 11 else str(check))
    first17 = f"91{region}{org_code}"
    return first17 + uscc.calc_check_digit(first17)


def id_number(rng: random.Random) -> str:
    """A synthetic 18-digit resident ID with a valid check digit (demo: not a real person)."""
    born = dt.date(1965, 1, 1) + dt.timedelta(days=rng.randrange(30 * 365))
    first17 = f"{rng.choice((JIANGYIN, '320282', '320211', '321281'))}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + ric.calc_check_digit(first17 + "0")


def person_name(rng: random.Random) -> str:
    """A Chinese name: a common surname and one or two given characters."""
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
