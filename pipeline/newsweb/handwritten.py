"""Hand-written stories for the cases a generator cannot make on purpose.

The seed-like story (an original from 2022 reprinted in 2024), two different stories about
the same event that share names and a quote, short briefs that share nothing but their
template, and the fixed lines (editor's note, roundup frame). All people, places and
publications are invented for wirelake.
"""

from __future__ import annotations

# The seed-like story: a statehouse standoff in January 2022, quoted by a spokesperson,
# reprinted 28 months later by the Daily Courier.
SEED_HEADLINE = "\u2018Not much to build on\u2019: Senate leaders say governor\u2019s written offer ignores their core demands"
SEED_AUTHORS = ("Hattie Quennell",)
SEED_PARAGRAPHS = (
    "A written proposal from Governor Anselm Rooke meant to end the month-long budget standoff has left Senate leaders with "
    "\u201cnot much to build on,\u201d the chamber\u2019s majority office said on Friday, suggesting that the latest attempt at a "
    "deal is unlikely to reopen the shuttered state parks and licensing offices any time soon.",
    "\u201cWe read every page twice, and we could not find a single place where our concerns were actually answered,\u201d "
    "Senate spokesperson Imogen Farrowby told reporters, according to a transcript released by the majority office.",
    "Farrowby said there was still \u201croom to keep talking\u201d because \u201cneither side wants state workers to miss another "
    "paycheck,\u201d but she declined to say when negotiators would next meet.",
    "Senate Majority Leader Corinne Baptiste-Hale said separately that the governor\u2019s letter could lead to \u201ca useful "
    "conversation about the small things\u201d while offering \u201cnothing at all on the one thing that matters,\u201d the "
    "formula that decides how much school aid flows to rural districts.",
    "Rooke has received the Senate\u2019s reply, Baptiste-Hale added, and her staff will send him a counteroffer of their own "
    "early next week.",
    "The governor said on Thursday that he would not release the full letter, but he insisted he had not backed away from his "
    "two central demands: a cap on the growth of the aid formula and a new rainy-day reserve funded before any tax rebate.",
    "\u201cI will not walk through every line of a private letter, but I can tell you it says what I have been saying in public "
    "since October,\u201d Rooke said at a news conference in the capitol rotunda. \u201cWe can afford generosity, or we can afford "
    "to be caught short by the next downturn. This year we cannot afford both.\u201d",
    "Rooke also said the offer had been \u201cshared in advance\u201d with House leaders, a point House Speaker Ewan Castellane "
    "confirmed on Friday.",
    "\u201cWe saw the governor\u2019s letter before it went across the hall, and we had no objection to sending it,\u201d Castellane "
    "wrote in a statement. \u201cThe House wants the parks open and the offices running. Nobody should be bargaining with "
    "people\u2019s driver\u2019s licenses.\u201d",
    "The standoff began on New Year\u2019s Day, when the old budget expired without a replacement. Since then about 3,100 state "
    "employees have been furloughed, and 41 state parks have locked their gates.",
    "Budget director Oswin Marlé told lawmakers this week that each week without a budget costs the state roughly $6 million "
    "in lost fees and deferred maintenance, a figure Senate leaders have disputed.",
    "Asked whether the two sides were any closer than they had been a week ago, Farrowby paused before answering. \u201cCloser "
    "than the day it started,\u201d she said. \u201cNot as close as people deserve.\u201d",
)

# Two different stories on the same event (the Old Mill Bridge closure vote in Riverton):
# the same names and the mayor's quote appear in both, the reporting does not.
MAYOR_QUOTE = ("We cannot keep asking people to drive across a bridge that we would not let our own children walk "
               "across")
BRIDGE_CAPITOL_HEADLINE = "Riverton closes Old Mill Bridge, and asks the state to help pay for a new one"
BRIDGE_CAPITOL_AUTHORS = ("Theo Brackley",)
BRIDGE_CAPITOL_PARAGRAPHS = (
    "The Riverton City Council voted 6 to 1 on Tuesday to close the Old Mill Bridge to all traffic next month and formally "
    "asked state lawmakers for $38 million toward a replacement, setting up a test of how far the capitol will go to rescue "
    "aging local infrastructure.",
    f"\u201c{MAYOR_QUOTE},\u201d Mayor Delia Okafor said before the vote, holding up an inspection report that rated the deck "
    "in poor condition for the third year in a row.",
    "The request lands as the legislature\u2019s transportation committee weighs how to divide a shrinking pool of bridge money "
    "among more than 200 structures that engineers have flagged statewide.",
    "State Senator Lionel Whitcombe, whose district includes Riverton, said he would file a bill within weeks but warned that "
    "colleagues from larger cities have their own lists. \u201cEvery one of us has a bridge like this at home,\u201d Whitcombe said.",
    "The lone vote against the closure came from council member Ingrid Vandermeer, who argued that a weight limit would buy "
    "time without cutting the west side off from the hospital.",
    "Transportation department officials said the state\u2019s own inspectors would review the city\u2019s findings before any "
    "money is promised, a step that usually takes about four months.",
    "If the state declines, city finance staff estimate Riverton would have to borrow the full amount, adding about $90 a year "
    "to the typical property tax bill for two decades.",
)
BRIDGE_HARBOR_HEADLINE = "Old Mill Bridge to close: what Riverton drivers, shops and students need to know"
BRIDGE_HARBOR_AUTHORS = ("Ruth Ellery-Pask",)
BRIDGE_HARBOR_PARAGRAPHS = (
    "Drivers who cross the Old Mill Bridge every morning have about five weeks to find another way into downtown Riverton "
    "after the City Council decided on Tuesday night to shut the span.",
    f"\u201c{MAYOR_QUOTE},\u201d Mayor Delia Okafor told a crowd of roughly 150 residents, several of whom had brought "
    "signs asking the council to keep one lane open.",
    "The closest detour runs north along Canal Boulevard to the Ferris Street crossing, which city traffic engineers expect "
    "to add between eight and fifteen minutes at rush hour.",
    "Bakery owner Marisol Pettigrew, whose shop sits at the foot of the bridge, said half her regulars come from the west "
    "side. \u201cIf they have to go around, some of them just will not come,\u201d she said.",
    "Council member Ingrid Vandermeer, the only member to vote no, urged the city to run a shuttle for students at Riverton "
    "High, and the school district said on Wednesday it would add two bus runs.",
    "Emergency crews will stage an ambulance on the west bank while the bridge is closed, Fire Chief Gordon Ashby said.",
    "The city plans a community meeting at the Riverton Library on Thursday at 6 p.m. to walk through detour maps and take "
    "questions about the replacement timeline.",
)

# Short news briefs on the Harbor Gazette: three unrelated items whose pages share only the
# site template, so a near-duplicate detector that keeps template text would merge them.
BRIEFS = (
    ("Library extends Saturday hours through summer", "Wendell Obi", (
        "The Port Callan Public Library will stay open until 5 p.m. on Saturdays from June through August, two hours later "
        "than usual, the library board announced.",
        "The change is paid for by a gift from the Friends of the Library, which raised the money at its spring book sale.",
        "Children\u2019s story time will move from Friday mornings to Saturdays at 11 a.m. for the same months.",
    )),
    ("Juniper Avenue lane closures begin Monday", "Dominic Sayle", (
        "Crews will close the northbound lane of Juniper Avenue between Fourth and Ninth streets starting Monday to replace "
        "a water main that burst twice this winter.",
        "Flaggers will guide traffic from 7 a.m. to 4 p.m., and the work should wrap up within three weeks, weather permitting.",
        "Residents on the affected blocks may lose water service for a few hours and will get door notices a day ahead.",
    )),
    ("Harbor Rowing Club sets date for regatta", "Wendell Obi", (
        "Forty crews from around the coast are expected in Port Callan on June 15 for the Harbor Rowing Club\u2019s annual "
        "regatta, organizers said.",
        "Races start at 8 a.m. near the old ferry slip, and spectators can watch free of charge from the seawall promenade.",
        "The club is still looking for volunteers to run the finish line and the boat launch.",
    )),
)

EDITOR_NOTE = ("Editor\u2019s note: The Daily Courier republishes this report from our partners at The Capitol Ledger. "
               "Figures are as of the original publication and have not been updated.")

ROUNDUP_HEADLINE = "Week in review: statehouse stories you may have missed"
ROUNDUP_AUTHORS = ("Colm Ferrity",)
ROUNDUP_INTRO = ("It was a crowded week at the capitol and in the cities around it. Here are some of the developments "
                 "our partners covered, in their own words, with links to the full reports.")
ROUNDUP_OUTRO = "Metro Wire Online publishes this roundup every Sunday. Tips and corrections are welcome at our news desk."
